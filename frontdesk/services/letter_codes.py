"""A letter code (L1) and where its letter stands: the code's alphabet and groups, what a person
may type for one, the keyed digest it is kept and looked up by, the address in the letter's QR
code, and the letter's state (live, used, expired, revoked, replaced).

Shared by the desk's issuing and revoking (:mod:`frontdesk.services.letters`), the printed
pages (:mod:`frontdesk.services.letter_issuing`), a parent's redeeming
(:mod:`frontdesk.services.letter_redemption`) and the web server, which reads a code from an
address. 74 random bits, kept only as a digest under the district key: the code itself is
never stored nor audited.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Final

from frontdesk.db.models import LetterCode
from frontdesk.db.uow import UnitOfWork
from frontdesk.i18n import Msg

CODE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Digits and capitals without the ones read alike: no 0/O, no 1/I/L (31 symbols)."""
CODE_LENGTH: Final = 15
"""15 symbols of 31: 74 bits."""
CODE_GROUP: Final = 5
CODE_PATTERN_HINT: Final = "XXXXX-XXXXX-XXXXX"
LETTER_CODE: Final = "letter_code"
"""What a link made with a letter lists as its matched identifiers."""
_DROPPED: Final = dict.fromkeys(map(ord, " -_\t\u00a0\u2010\u2011\u2012\u2013\u2014\u2212"))
"""Spaces and dashes (typed, or pasted from a phone) a code may be written with."""
_MOST_TYPED: Final = 64


def new_code() -> str:
    """A new random code, bare (``format_code`` groups it for reading)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``code`` in groups for reading aloud: ``K7QM4-HXT2R-9WCPD``."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def normalize_code(typed: str) -> str | None:
    """The bare code a person typed (any case, with or without spaces and dashes), or
    ``None`` when it cannot be one: not 15 symbols of the alphabet."""
    if len(typed) > _MOST_TYPED:
        return None
    code = typed.translate(_DROPPED).upper()
    if len(code) != CODE_LENGTH or not set(code) <= set(CODE_ALPHABET):
        return None
    return code


def code_digest(uow: UnitOfWork, code: str) -> str:
    """How a (bare) code is stored and looked up: a keyed digest under the district key."""
    return uow.runtime.keyring.digest("letter-code-v1", code)


def letter_url(portal_url: str, code: str) -> str:
    """The web address a letter's QR code holds: the parent screens with the code filled in."""
    return f"{portal_url.rstrip('/')}/?code={format_code(code)}"


CODE_FORMAT = Msg("A letter code has 15 letters and digits, like {example}.")


# --- where a letter stands -------------------------------------------------------------------


class LetterState(StrEnum):
    """Where a letter stands."""

    ACTIVE = "active"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REPLACED = "replaced"


def letter_state(letter: LetterCode, now: datetime) -> LetterState:
    """Where ``letter`` stands at ``now``."""
    if letter.used_at is not None:
        return LetterState.USED
    if letter.revoked_at is not None:
        return LetterState.REPLACED if letter.replaced_by_id else LetterState.REVOKED
    if letter.contact_id is None:
        return LetterState.REVOKED
    if letter.expires_at <= now:
        return LetterState.EXPIRED
    return LetterState.ACTIVE
