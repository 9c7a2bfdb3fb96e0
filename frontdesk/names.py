"""Names compared the way a clerk reads them.

"José O'Brien-Nguyễn", "jose obrien nguyen" and "JOSE O’BRIEN NGUYEN" are the same person
to a clerk: case, accents and other diacritics, apostrophes of any kind, hyphens and spaces
do not matter. Unicode decomposition strips most accents; the letters it leaves alone
(Polish ł, Nordic ø and æ, German ß, Turkish ı, Vietnamese đ, Icelandic þ and ð…) are
mapped by hand.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Letters that carry a diacritic or ligature but do not decompose under NFKD.
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l", "Ł": "l",
        "đ": "d", "Đ": "d",
        "ð": "d", "Ð": "d",
        "ø": "o", "Ø": "o",
        "æ": "ae", "Æ": "ae",
        "œ": "oe", "Œ": "oe",
        "ß": "ss", "ẞ": "ss",
        "ı": "i",
        "þ": "th", "Þ": "th",
        "ħ": "h", "Ħ": "h",
        "ŧ": "t", "Ŧ": "t",
        "ŀ": "l", "Ŀ": "l",
        "ƒ": "f",
        "ĸ": "k",
        "ŋ": "ng", "Ŋ": "ng",
        "ɨ": "i", "Ɨ": "i",
        "ʉ": "u",
        # Apostrophe look-alikes that Unicode files under letters (Lm), not punctuation.
        "ʼ": "", "ʻ": "", "ʽ": "", "ʹ": "", "ˈ": "", "ʾ": "", "ʿ": "",
    }
)  # fmt: skip


@lru_cache(maxsize=65536)
def fold_name(name: str) -> str:
    """The comparison key of a name: lower-case letters and digits, nothing else."""
    mapped = name.translate(_UNDECOMPOSED)
    decomposed = unicodedata.normalize("NFKD", mapped)
    letters = (
        ch for ch in decomposed if unicodedata.category(ch)[0] in "LN"
    )  # drops marks (M*), punctuation (P*: apostrophes, hyphens), spaces (Z*), symbols
    return "".join(letters).casefold().translate(_UNDECOMPOSED)


def names_match(typed: str, on_record: str) -> bool:
    """Whether a typed name is the name on record, as a clerk would judge it."""
    key = fold_name(typed)
    return bool(key) and key == fold_name(on_record)


def search_key(*parts: str | None) -> str:
    """A folded, space-separated key for searching people by any part of their name or email."""
    return " ".join(fold_name(p) for p in parts if p)
