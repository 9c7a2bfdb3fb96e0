"""Bounded, clean text: how long each typed text may be, and what no text may hold.

Every text a parent, a clerk or a roster file gives has a longest length that fits the column
it is kept in: PostgreSQL refuses a longer value with an error (the service fails, "not
answering"), and SQLite keeps megabytes. A text kept nowhere (a search, a code) gets a length
a person could type. Services check each text here, before it reaches the database, and say
what is wrong beside the field; the screens stop typing at the same lengths (``MAX_LENGTH``).

No text may hold:

- control characters (Unicode category Cc: NUL, escapes, DEL, the C1 set), except tabs and
  line breaks in the texts of several lines (``MULTILINE``). PostgreSQL refuses NUL outright,
  even in a lookup;
- lone surrogates, which no UTF-8 database can store;
- the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
  make a name read on screen otherwise than it is ("Trojan Source", CVE-2021-42574);
- in one-line texts, the line and paragraph separators (U+2028, U+2029).

Other invisible format characters stay: zero-width joiners belong in emoji and in Indic and
Persian names, and the left-to-right and right-to-left marks in names of mixed direction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from frontdesk.i18n import Msg

PERSON_NAME: Final = 100
EMAIL: Final = 254
"""The longest address SMTP carries (RFC 5321)."""
PHONE: Final = 40
RELATIONSHIP: Final = 40
STUDENT_ID: Final = 20
SCHOOL_CODE: Final = 20
GRADE: Final = 8
NOTES: Final = 2000
REASON: Final = 1000
"""Why a request was denied or revoked (the parent reads it), or why support acted."""
EXTRA_ANSWER: Final = 200
"""An answer to one of the district's own questions (kept in a JSON column)."""
SEARCH: Final = 200
"""What a clerk types to find someone: enough for any name, email and student ID together."""
USERNAME: Final = 64
DISPLAY_NAME: Final = 200
PIN: Final = 12
RESET_CODE: Final = 40
"""A reset code is 8 letters; room for the spaces and dashes people type between them."""
RESET_TOKEN: Final = 100
LANGUAGE_CODE: Final = 12
DISTRICT_NAME: Final = 200
DISTRICT_TEXT: Final = 1000
LOGO: Final = 4000
QUESTION: Final = 200
"""A district question's wording in one language."""
SETTINGS_FILE: Final = 1_000_000
"""A settings file is a few kilobytes; a megabyte is a wrong file."""

MAX_LENGTH: Final[Mapping[str, int]] = MappingProxyType(
    {
        "first_name": PERSON_NAME,
        "last_name": PERSON_NAME,
        "child_first_name": PERSON_NAME,
        "child_last_name": PERSON_NAME,
        "email": EMAIL,
        "notification_email": EMAIL,
        "phone": PHONE,
        "address_street": 200,
        "address_city": 100,
        "address_state": 40,
        "address_postal_code": 20,
        "relationship": RELATIONSHIP,
        "extra": EXTRA_ANSWER,
        "student_id": STUDENT_ID,
        "ssn_last4": 4,
        "grade": GRADE,
        "notes": NOTES,
        "reason": REASON,
        "id_last4": 20,
        "code": RESET_CODE,
        "username": USERNAME,
        "display_name": DISPLAY_NAME,
        "pin": PIN,
        "schools": SCHOOL_CODE,
        "filter": SEARCH,
        "query": SEARCH,
        "parent": SEARCH,
        "student": SEARCH,
        "staff": SEARCH,
    }
)
"""The longest text of each form field, by the name the forms and services give it (most
are the sizes of the database columns in ``frontdesk.db.models``)."""

MULTILINE: Final = frozenset({"notes", "reason"})
"""The fields whose texts may hold tabs and line breaks."""

_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # Cc but tab, line feed, carriage return
_ALWAYS = _CONTROL + "\ud800-\udfff\u202a-\u202e\u2066-\u2069"
_REFUSED_IN_LINES: Final = re.compile(f"[{_ALWAYS}]")
_REFUSED_IN_LINE: Final = re.compile(f"[{_ALWAYS}\t\n\r\u2028\u2029]")


def has_refused_characters(text: str, *, lines: bool = False) -> bool:
    """Whether ``text`` holds a character no text may hold (see the module's docstring)."""
    return (_REFUSED_IN_LINES if lines else _REFUSED_IN_LINE).search(text) is not None


def refused_characters() -> Msg:
    """What a parent or clerk reads beside a field holding a refused character."""
    return Msg(
        "This contains characters that cannot be used here, such as control characters. "
        "Please type it again."
    )


def too_long(longest: int) -> Msg:
    """What a parent or clerk reads beside a field over its length."""
    return Msg("Use at most {n} characters.", n=longest)


def text_problem(text: str, longest: int, *, lines: bool = False) -> Msg | None:
    """Why ``text`` cannot be kept (too long, or a refused character), or ``None``."""
    if len(text) > longest:
        return too_long(longest)
    if has_refused_characters(text, lines=lines):
        return refused_characters()
    return None


def is_clean(text: str, longest: int, *, lines: bool = False) -> bool:
    """Whether ``text`` can be kept: short enough, no refused character."""
    return text_problem(text, longest, lines=lines) is None


def field_problem(name: str, text: str) -> Msg | None:
    """Why the text of form field ``name`` (a key of ``MAX_LENGTH``) cannot be kept."""
    return text_problem(text, MAX_LENGTH[name], lines=name in MULTILINE)


def field_problems(texts: Mapping[str, str]) -> dict[str, Msg]:
    """For each form field (by name, as in ``MAX_LENGTH``) whose text cannot be kept, why."""
    return {
        name: problem
        for name, text in texts.items()
        if (problem := field_problem(name, text)) is not None
    }


def _one_line(text: str) -> str:
    if has_refused_characters(text):
        raise PydanticCustomError("refused_characters", "refused characters")
    return text


def _several_lines(text: str) -> str:
    if has_refused_characters(text, lines=True):
        raise PydanticCustomError("refused_characters", "refused characters")
    return text


CLEAN_LINE: Final = AfterValidator(_one_line)
"""Refuses (``refused_characters``) a pydantic string with a refused character; it goes after
the string's ``Field(max_length=…)``: ``Annotated[str, Field(max_length=200), CLEAN_LINE]``."""
CLEAN_LINES: Final = AfterValidator(_several_lines)
"""The same, where tabs and line breaks are allowed."""
