"""Names compared the way a clerk reads them.

"José O'Brien-Nguyễn", "jose obrien nguyen" and "JOSE O’BRIEN NGUYEN" are the same person
to a clerk: case, accents and other diacritics, apostrophes of any kind, hyphens and spaces
do not matter, nor how the letters were encoded (a precomposed "ễ" or an "e" followed by its
marks, as some keyboards send). Unicode decomposition strips most accents; the letters it
leaves alone (Polish ł, Nordic ø and æ, German ß, Turkish ı, Vietnamese đ, Icelandic þ and
ð…) are mapped by hand.

A whole name typed into a first-name and a last-name field (:func:`full_name_matches`) may
also come in the order its owner says it. A Vietnamese name is said family name first:
"Nguyễn Thị Đặng" is on a US roster as first name "Thị Đặng", last name "Nguyễn", and a
parent may type "Nguyễn" as the first name, or "Đặng" as the first name and "Nguyễn Thị" as
the last. A clerk reading the record accepts the same words in the same order, read from
either field first; words left out, added or shuffled are a different name.
"""

from __future__ import annotations

import re
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


_WORD_BREAKS = re.compile(r"[\s\u2010-\u2015\u2212-]+")
"""Spaces and hyphens or dashes: what separates the words of a name (an apostrophe joins)."""


def name_words(name: str) -> tuple[str, ...]:
    """The folded words of a name ("Maria da Conceição" is ``maria``, ``da``, ``conceicao``)."""
    return tuple(key for word in _WORD_BREAKS.split(name) if (key := fold_name(word)))


def full_name_matches(typed_first: str, typed_last: str, first: str, last: str) -> bool:
    """Whether a first and last name typed into their two fields name the person on record.

    Each field matches its own (:func:`names_match`), or the two fields were swapped (the
    family name typed as the first name), or the words of both fields, read first field then
    last or last then first, are the words of the record read either way: the same words in
    the same order, however they were split between the fields. So "Nguyễn" + "Thị Đặng",
    "Đặng" + "Nguyễn Thị" and "Thi Dang" + "Nguyen" all name the record "Thị Đặng" + "Nguyễn",
    and "Maria" + "da Conceição Silva" names "Maria da Conceição" + "Silva". Not accepted:
    "Dang Thi" + "Nguyen" (the words in another order), "Maria" + "Silva" (a word left out),
    an empty field.

    This never makes a child easier to guess: a name is never the only identifier asked (the
    student ID or birthdate always is, and every identifier must match), a name is rarely
    the secret part, and however it is written, every attempt at one child counts against
    the same limits (:func:`frontdesk.services.linking.student_subjects`).
    """
    if not (fold_name(typed_first) and fold_name(typed_last)):
        return False
    if names_match(typed_first, first) and names_match(typed_last, last):
        return True
    if names_match(typed_first, last) and names_match(typed_last, first):
        return True
    typed = {
        name_words(typed_first) + name_words(typed_last),
        name_words(typed_last) + name_words(typed_first),
    }
    on_record = {name_words(first) + name_words(last), name_words(last) + name_words(first)}
    return not typed.isdisjoint(on_record)


def search_key(*parts: str | None) -> str:
    """A folded, space-separated key for searching people by any part of their name or email."""
    return " ".join(fold_name(p) for p in parts if p)
