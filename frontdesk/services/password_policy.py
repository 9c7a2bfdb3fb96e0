"""What makes a password acceptable (NIST SP 800-63B rev. 4, single-factor passwords).

Long enough, not too long to hash, not a common or breached password, not the person's email
or name. No composition rules: any characters, spaces and emoji included.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from frontdesk.i18n import Msg
from frontdesk.names import fold_name
from frontdesk.resources import data_dir

MAX_LENGTH = 128
"""Longest password accepted (NIST asks for at least 64)."""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached passwords, case-folded."""
    path = data_dir() / "passwords" / "common.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _length(password: str) -> int:
    # NIST counts each Unicode code point after normalisation as one character.
    return len(unicodedata.normalize("NFC", password))


def password_problem(
    password: str, *, min_length: int, email: str = "", names: tuple[str, ...] = ()
) -> Msg | None:
    """Why ``password`` is refused, or ``None`` when it is acceptable."""
    length = _length(password)
    if length < min_length:
        return Msg("Use at least {n} characters.", n=min_length)
    if length > MAX_LENGTH:
        return Msg("Use at most {n} characters.", n=MAX_LENGTH)
    folded = password.strip().casefold()
    if folded in common_passwords():
        return Msg("This password is too common; it is on a list of leaked passwords.")
    if email and folded in {email.casefold(), email.split("@")[0].casefold()}:
        return Msg("Do not use your email address as your password.")
    name_keys = {fold_name(n) for n in names} | {fold_name("".join(names))}
    if fold_name(password) in name_keys - {""}:
        return Msg("Do not use your name as your password.")
    return None
