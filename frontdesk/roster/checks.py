"""How the roster's columns are checked and converted, a chunk of rows at a time (A2).

Each column has two ways to the same values: ``whole`` takes a chunk's column in a few
passes that run in C, the usual case of clean values; ``each`` takes one value, for the
chunks where some value is bad, to tell which and why. The reasons are the import's own words
(translated), the same for every file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from frontdesk.i18n import Msg
from frontdesk.services.registration import is_email, normalize_email
from frontdesk.text import has_refused_characters


class Refused(Exception):
    """A value its column does not take, and why."""

    def __init__(self, reason: Msg) -> None:
        super().__init__(reason.msgid)
        self.reason = reason


@dataclass(frozen=True)
class Column:
    """How a column's values are checked and converted.

    ``each`` takes one value and raises :class:`Refused`; ``whole`` takes a chunk's column
    in a few passes that run in C and returns ``None`` when some value is bad, which then
    takes the column value by value to tell which and why. Both give the same values.
    """

    name: str
    each: Callable[[str], Any]
    whole: Callable[[Sequence[str]], list[Any] | None]


def _empty() -> Msg:
    return Msg("must not be empty")


def _too_long(longest: int) -> Msg:
    return Msg("too long (at most {n} characters)", n=longest)


def _refused_characters() -> Msg:
    return Msg("characters that are not allowed here (control characters)")


def _clean(values: Sequence[str]) -> bool:
    """Whether no value holds a character no text may hold (one pass, in C)."""
    return not has_refused_characters("".join(values))


_SPACE: Final = re.compile(r"\s")


def _text(name: str, longest: int, *, spaces: bool = True) -> Column:
    """Text, trimmed, that must be filled in (and, without ``spaces``, be one word)."""

    def each(value: str) -> str:
        text = value.strip()
        if not text:
            raise Refused(_empty())
        if len(text) > longest:
            raise Refused(_too_long(longest))
        if has_refused_characters(text):
            raise Refused(_refused_characters())
        if not spaces and _SPACE.search(text):
            raise Refused(Msg("must be filled in, without spaces"))
        return text

    def whole(values: Sequence[str]) -> list[Any] | None:
        texts = list(map(str.strip, values))
        lengths = set(map(len, texts))
        if 0 in lengths or max(lengths) > longest or not _clean(texts):
            return None
        if not spaces and _SPACE.search("/".join(texts)):
            return None
        return texts

    return Column(name, each, whole)


def _optional_text(name: str, longest: int) -> Column:
    """Text, trimmed, or ``None`` when the cell is empty."""

    def each(value: str) -> str | None:
        if value == "":
            return None
        text = value.strip()
        if len(text) > longest:
            raise Refused(_too_long(longest))
        if has_refused_characters(text):
            raise Refused(_refused_characters())
        return text

    def whole(values: Sequence[str]) -> list[Any] | None:
        if max(map(len, values)) > longest or not _clean(values):
            return None
        return [value.strip() if value else None for value in values]

    return Column(name, each, whole)


def _choice(name: str, words: dict[str, Any], reason: Msg, *folds: Callable[[str], str]) -> Column:
    """One of ``words`` (as written, or once ``folds`` made it so), as what it stands for."""

    def each(value: str) -> Any:
        for fold in folds:
            value = fold(value)
        if value not in words:
            raise Refused(reason)
        return words[value]

    def whole(values: Sequence[str]) -> list[Any] | None:
        found: Iterable[str] = values
        for fold in folds:
            found = map(fold, found)
        found = list(found)
        if not words.keys() >= set(found):
            return None
        return list(map(words.__getitem__, found))

    return Column(name, each, whole)


_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(name: str) -> Column:
    """A date written YYYY-MM-DD (nothing around it), kept as that text (what both
    databases read)."""
    reason = Msg("not a date in the form YYYY-MM-DD")

    def each(value: str) -> str:
        try:
            if _ISO_DATE.fullmatch(value) and date.fromisoformat(value):
                return value
        except ValueError:
            pass
        raise Refused(reason)

    def whole(values: Sequence[str]) -> list[Any] | None:
        if not all(map(_ISO_DATE.fullmatch, values)):
            return None
        try:
            list(map(date.fromisoformat, values))
        except ValueError:
            return None
        return list(values)

    return Column(name, each, whole)


_FOUR_DIGITS: Final = re.compile(r"\d{4}")


def _last4(name: str) -> Column:
    """The last four SSN digits, or ``None`` when the cell is empty."""

    def each(value: str) -> str | None:
        if value == "":
            return None
        if not _FOUR_DIGITS.fullmatch(digits := value.strip()):
            raise Refused(Msg("must be four digits, or empty"))
        return digits

    def whole(values: Sequence[str]) -> list[Any] | None:
        # \d is any decimal digit, as str.isdecimal tells them.
        if not set(map(len, values)) <= {0, 4} or not "".join(values).isdecimal():
            return None if any(values) else [None] * len(values)
        return [value or None for value in values]

    return Column(name, each, whole)


def _photo(name: str, longest: int) -> Column:
    """A photo's path, or ``None`` (the file itself is looked at for good rows only)."""

    def each(value: str) -> str | None:
        path = value.strip()
        if len(path) > longest:
            raise Refused(_too_long(longest))
        if has_refused_characters(path):
            raise Refused(_refused_characters())
        return path or None

    def whole(values: Sequence[str]) -> list[Any] | None:
        return None if any(values) else [None] * len(values)

    return Column(name, each, whole)


def _email(name: str) -> Column:
    """An email address, lower-cased, or ``None`` when the cell is empty."""

    def each(value: str) -> str | None:
        email = normalize_email(value)
        if not email:
            return None
        if not is_email(email):
            raise Refused(Msg("not an email address"))
        if len(email) > 254:
            raise Refused(_too_long(254))
        if has_refused_characters(email):
            raise Refused(_refused_characters())
        return email

    def whole(values: Sequence[str]) -> list[Any] | None:
        emails = list(map(normalize_email, values))
        if max(map(len, emails)) > 254 or not all(map(is_email, filter(None, emails))):
            return None
        if not _clean(emails):
            return None
        return [email or None for email in emails]

    return Column(name, each, whole)


_YES_NO: Final = {"yes": True, "no": False}
# Also the other words for true and false that the import took before it read yes and no
# itself (pydantic's): a district whose SIS writes them keeps working.
_TRUE_FALSE: Final = {
    **_YES_NO,
    **dict.fromkeys(("1", "on", "t", "true", "y"), True),
    **dict.fromkeys(("0", "off", "f", "false", "n"), False),
}

SCHOOL_CHECKS: Final = (_text("school_id", 20), _text("name", 200))
STUDENT_CHECKS: Final = (
    _text("student_id", 20, spaces=False),
    _text("school_id", 20),
    _text("first_name", 100),
    _text("last_name", 100),
    _date("birthdate"),
    _text("grade", 8),
    _choice("status", {"active": True, "inactive": False}, Msg("must be active or inactive")),
    _last4("ssn_last4"),
    _photo("photo", 1000),
)
CONTACT_CHECKS: Final = (
    _text("student_id", 20),
    _text("first_name", 100),
    _text("last_name", 100),
    _text("relationship", 40),
    _email("email"),
    _optional_text("phone", 40),
    _choice("portal_access", _TRUE_FALSE, Msg("must be yes or no"), str.strip, str.lower),
)

Problems = dict[int, list[tuple[str, Msg]]]
"""The problems of a chunk's bad rows, by the row's place in the chunk: ``(column, why)``."""


def checked(
    checks: Sequence[Column], rows: Sequence[Sequence[str]]
) -> tuple[list[list[Any]], Problems]:
    """The rows' values checked and converted, a column at a time, and what is wrong where."""
    if not rows:
        return [[] for _ in checks], {}
    converted: list[list[Any]] = []
    problems: Problems = {}
    for check, values in zip(checks, zip(*rows, strict=True), strict=True):
        column = check.whole(values)
        if column is None:
            column = []
            for place, value in enumerate(values):
                try:
                    column.append(check.each(value))
                except Refused as refused:
                    problems.setdefault(place, []).append((check.name, refused.reason))
                    column.append(None)
        converted.append(column)
    return converted, problems
