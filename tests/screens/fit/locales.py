"""Two made-up languages for the fit tests, each a catalog put in place of a real one:

``pseudo``
    Every message 40 % longer than its English msgid (rounded up): each word grows in
    proportion to its length (vowels accented, then ``·`` added), so the text still wraps
    where words end. ``{placeholders}``, markup tags and the whitespace around and between
    words are kept, so ``.format()`` and markup work as they do in English.
``longest``
    Every message in the longest of its translations in the shipped catalogs (English
    included), whichever languages are shipped by then.

Babel knows neither code: dates and numbers come out in English (``frontdesk.i18n._locale``).
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from typing import Final

import pytest
from babel.messages.mofile import read_mo
from rich.cells import cell_len

from frontdesk import i18n
from frontdesk.resources import locale_dir

PSEUDO: Final = "pseudo"
LONGEST: Final = "longest"
LANGUAGES: Final = (PSEUDO, LONGEST)
PAD: Final = "·"

_KEPT = re.compile(r"(\{\{|\}\}|\{[^{}]*\}|\[/?[a-zA-Z@#$][^\[\]]*\]|\[/\]|\s+)")
"""What lengthening leaves alone: placeholders (and ``{{ }}``), markup tags, whitespace."""
_MARKUP = re.compile(r"\[/?[a-zA-Z@#$][^\[\]]*\]|\[/\]")
_ACCENTED = str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ")


def lengthen(text: str) -> str:
    """``text`` 40 % longer (rounded up), counted without its markup and outer whitespace."""
    shown = len(_MARKUP.sub("", text).strip())
    extra = (2 * shown + 4) // 5  # ceil(0.4 * shown) in whole numbers
    if not extra:
        return text
    pieces = _KEPT.split(text)
    words = [i for i, piece in enumerate(pieces) if piece and not _KEPT.fullmatch(piece)]
    if not words:  # only placeholders: the padding goes after the last one
        last = max(i for i, piece in enumerate(pieces) if piece and not piece.isspace())
        pieces[last] += PAD * extra
        return "".join(pieces)
    # Each word's share of the extra, in proportion to its length (largest remainder).
    total = sum(len(pieces[i]) for i in words)
    shares = {i: extra * len(pieces[i]) // total for i in words}
    by_remainder = sorted(words, key=lambda i: -(extra * len(pieces[i]) % total))
    for i in by_remainder[: extra - sum(shares.values())]:
        shares[i] += 1
    for i in words:
        pieces[i] = pieces[i].translate(_ACCENTED) + PAD * shares[i]
    return "".join(pieces)


class PseudoTranslations(gettext.NullTranslations):
    """The ``pseudo`` catalog: every message lengthened (:func:`lengthen`)."""

    def gettext(self, message: str) -> str:
        return lengthen(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return lengthen(msgid1 if n == 1 else msgid2)


Key = str | tuple[str, str]
"""A msgid, or a (singular, plural) pair."""


def longest_messages() -> dict[Key, str]:
    """For each msgid, the longest text any shipped language shows for it (any plural form)."""
    longest: dict[Key, str] = {}

    def offer(key: Key, text: str) -> None:
        if text and cell_len(text) > cell_len(longest.get(key, "")):
            longest[key] = text

    for language in i18n.shipped_languages():
        path = locale_dir() / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
        with path.open("rb") as compiled:
            catalog = read_mo(compiled)
        for message in catalog:
            if not message.id:
                continue  # the catalog's header
            if isinstance(message.id, str):
                for text in (message.id, message.string):
                    offer(message.id, str(text or ""))
            else:
                key = (message.id[0], message.id[1])
                for text in (*message.id, *message.string):
                    offer(key, str(text or ""))
    return longest


class LongestTranslations(gettext.NullTranslations):
    """The ``longest`` catalog (:func:`longest_messages`); a plural's longest form whatever
    the count."""

    def __init__(self) -> None:
        super().__init__()
        self.messages = longest_messages()

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.messages.get((msgid1, msgid2), msgid1 if n == 1 else msgid2)


@cache
def made_up(language: str) -> gettext.NullTranslations:
    """The catalog of a made-up language."""
    return PseudoTranslations() if language == PSEUDO else LongestTranslations()


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Have ``frontdesk.i18n`` translate into the made-up languages too (for this test)."""
    real = i18n.translation

    def translation(language: str) -> gettext.NullTranslations:
        return made_up(language) if language in LANGUAGES else real(language)

    monkeypatch.setattr(i18n, "translation", translation)
