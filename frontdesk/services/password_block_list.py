"""The block list of common and breached passwords (shipped in ``data/passwords``), and whether
a password is one of its entries dressed up: padded with a year or symbols, spelled in l33t,
capitalised, split by separators, or said twice.

zxcvbn prices padding generously, so :mod:`frontdesk.services.password_policy` asks this
first-hand question besides the estimate; :mod:`frontdesk.services.password_estimate` ranks
the list's words with zxcvbn's own.
"""

from __future__ import annotations

import re
from functools import cache

from frontdesk.resources import data_dir


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached passwords, case-folded."""
    return frozenset(block_list())


@cache
def block_list() -> tuple[str, ...]:
    """The shipped block list, most common first."""
    path = data_dir() / "passwords" / "common.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line for line in lines if line and not line.startswith("#"))


_PADDING = re.compile(r"\s*(?:\d{1,4}\s*(?:([^\w\s])\1*)?|([^\w\s])\2*\s*(?:\d{1,4})?)?\s*")
"""What people pad a password with: a year or a short number and a run of one symbol, in
either order (``2024!!!``, ``!1``), on each side."""
_PADDED_SIDE = 32
"""Padding longer than this is a repeat, which the estimate finds."""
_SEPARATORS = re.compile(r"[\W\d_]+")
_REPEATED = re.compile(r"^(.+?)\1+$")
_L33T = {"4": "a", "@": "a", "8": "b", "3": "e", "6": "g", "9": "g", "0": "o", "$": "s", "5": "s"}
_L33T |= {"+": "t", "%": "x", "2": "z", "(": "c", "{": "c", "[": "c", "<": "c", "!": "i"}
_UNL33T = (
    str.maketrans(_L33T | {"1": "i", "|": "i", "7": "t"}),
    str.maketrans(_L33T | {"1": "l", "|": "l", "7": "l"}),
)
"""zxcvbn's l33t table read back, once with 1 and | as i, once as l."""


def _is_common(text: str) -> bool:
    """Whether ``text`` (case-folded) is a block-list entry or one repeated, as typed or read
    back from l33t without separators (``p@ss-w0rd``)."""
    blocked = common_passwords()
    for form in (text, *(_SEPARATORS.sub("", text.translate(t)) for t in _UNL33T)):
        repeated = _REPEATED.match(form)
        if form in blocked or (repeated is not None and repeated[1] in blocked):
            return True
    return False


def built_on_common(password: str) -> bool:
    """Whether ``password`` is a block-list entry under padding, l33t spelling, capitals or
    separators: ``Seven72024!!!``, ``!!P@ssw0rd1``, ``pass-word``, ``welcomewelcome``.

    zxcvbn prices padding generously (a year as any date, ``!!!!`` as 60 guesses), so a rare
    entry with a year and a few ``!`` estimates at 10^9 to 10^10 guesses, though it is the
    first thing a cracker's rules try."""
    text = password.casefold()
    size = len(text)
    starts = [p for p in range(min(size, _PADDED_SIDE) + 1) if _PADDING.fullmatch(text, 0, p)]
    ends = [e for e in range(max(0, size - _PADDED_SIDE), size + 1) if _PADDING.fullmatch(text, e)]
    return any(_is_common(text[p:e]) for p in starts for e in ends if e - p >= 3)
