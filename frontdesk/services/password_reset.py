"""Forgotten passwords (R15, R16): asking for a reset mail, and redeeming its code or link.

Built as OWASP's Forgot Password cheat sheet asks:

- Asking for a reset gives the same answer, after the same work, whether or not the email has
  an account, and is rate limited per address and per workstation (R15).
- The mail holds a single-use link token (256 bits) and a short code; only their digests are
  stored. Both expire, and die when a newer reset is asked for or the password changes (R16).
- Redeeming one sets a random temporary password, shown once, which must be changed at the
  next sign-in (R17: :func:`frontdesk.services.passwords.issue_temporary`).
- No token or code is ever recorded.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import false, insert, inspect, literal, select, update

from frontdesk import text
from frontdesk.db.models import Base, ParentAccount, PasswordReset
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import DomainError, FieldErrors, RateLimited
from frontdesk.i18n import Msg
from frontdesk.mail import messages
from frontdesk.mail.messages import PasswordEvent
from frontdesk.mail.outbox import outbox_row
from frontdesk.security import digests_equal, new_token, token_digest
from frontdesk.services import ratelimit
from frontdesk.services.audit import ANONYMOUS, Actor, AuditAction, record
from frontdesk.services.passwords import (
    ALPHABET,
    CLOSED,
    TemporaryCredentials,
    issue_temporary,
    revoke_open_resets,
)
from frontdesk.services.ratelimit import AttemptKind, Limit
from frontdesk.services.registration import REQUIRED, is_email, normalize_email

if TYPE_CHECKING:
    from frontdesk.db.engine import Database

_LOOK_ALIKES = str.maketrans({"o": "0", "i": "1", "l": "1"})
CODE_LENGTH = 8
"""The reset code has 40 bits; a reset allows only a few wrong guesses before it dies."""
_NEWEST_RESETS = 5
"""How many of an account's latest resets a code is compared with (to name an old one)."""


# --- errors ------------------------------------------------------------------------------------


class ResetCodeWrong(FieldErrors):
    """The code matches no reset of that address; says nothing of whether it has an account."""

    recorded = True

    def __init__(self) -> None:
        super().__init__(
            {"code": Msg("This code is not right. Check the code in the mail and try again.")}
        )


class ResetTooManyAttempts(DomainError):
    """Too many wrong codes: the reset is dead; a new mail must be asked for."""

    recorded = True

    def __init__(self) -> None:
        super().__init__(
            Msg("Too many wrong codes. Ask for a new mail, or see the front office for help.")
        )


class ResetExpired(DomainError):
    """The code or link is right but too old."""

    def __init__(self) -> None:
        super().__init__(Msg("This code has expired. Ask for a new mail."))


class ResetUsed(DomainError):
    """The code or link was used already: each works once."""

    def __init__(self) -> None:
        super().__init__(
            Msg("This code has already been used. Ask for a new mail if you need another.")
        )


class ResetSuperseded(DomainError):
    """A newer reset was asked for, or the password changed, since this one was sent."""

    def __init__(self) -> None:
        super().__init__(
            Msg(
                "This code is no longer valid: a newer mail was sent or the password was "
                "changed. Use the code in the newest mail."
            )
        )


class LinkInvalid(DomainError):
    """No reset has this link token."""

    def __init__(self) -> None:
        super().__init__(Msg("This link is not valid. Ask for a new mail."))


# --- codes ---------------------------------------------------------------------------------


def _new_code() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalize_code(typed: str) -> str:
    """A code as typed (any case, spaces, dashes, o for 0, l or i for 1) in its stored form."""
    return re.sub(r"[\s-]", "", typed.lower()).translate(_LOOK_ALIKES)


def _code_digest(uow: UnitOfWork, token_hash: str, code: str) -> str:
    # Keyed with the district key and salted with the reset's own token digest: a stolen
    # database alone cannot brute-force the short codes.
    return uow.runtime.keyring.digest("reset_code", token_hash, normalize_code(code))


# --- asking for a reset (R15, R16) -------------------------------------------------------------


def _check_typed(**typed: str) -> None:
    """Refuse what no reset can match (too long, control characters) before any lookup."""
    problems = text.field_problems(typed)
    if problems:
        raise FieldErrors(problems)


def _parent_by_email(uow: UnitOfWork, email: str) -> ParentAccount | None:
    parent = uow.session.scalar(select(ParentAccount).where(ParentAccount.email == email))
    return None if parent is None or parent.status in CLOSED else parent


def _insert_nothing(uow: UnitOfWork, row: Base) -> None:
    """Send the INSERT that would store ``row``, selecting no row to insert: the statement,
    its bytes and its round trip to the server, without a row, a constraint check or a
    trace in the database."""
    values = [
        (prop.columns[0], getattr(row, prop.key))
        for prop in inspect(row).mapper.column_attrs
        if getattr(row, prop.key) is not None
    ]
    uow.session.execute(
        insert(type(row)).from_select(
            [column for column, _value in values],
            select(*(literal(value, column.type) for column, value in values)).where(false()),
        )
    )


def issue_reset(uow: UnitOfWork, parent: ParentAccount | None, email: str, language: str) -> None:
    """Make a reset and its mail. For an unknown address (``None``) do the same work — secrets,
    digests, the rendered and sealed mail, the revoking update, and the same two INSERTs, sent
    to the database but selecting no row — so neither the answer nor its timing tells the two
    apart (``bench/enumeration.py``).

    Why not pad to a floor instead: a sleep long enough to hide the slowest known request
    holds the write lock (SQLite) for every request; the same statements cost the same by
    construction, and keep costing the same when the mail or the reset grows a column."""
    settings = uow.settings
    token = new_token()
    code = _new_code()
    token_hash = token_digest(token)
    code_hash = _code_digest(uow, token_hash, code)
    now = uow.now()
    minutes = settings.reset_link_minutes
    mail = messages.password_reset(
        to=parent.email if parent else email,
        language=parent.language if parent else language,
        district=settings.district_name,
        first_name=parent.first_name if parent else "",
        code=code,
        token=token,
        portal_url=uow.runtime.portal_url,
        minutes=minutes,
    )
    queued = outbox_row(uow, mail)
    revoke_open_resets(uow, parent.id if parent else -1)
    reset = PasswordReset(
        parent_id=parent.id if parent else -1,
        token_digest=token_hash,
        code_digest=code_hash,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    if parent is None:  # never sent, never stored
        _insert_nothing(uow, reset)
        _insert_nothing(uow, queued)
        return
    uow.session.add(reset)
    uow.session.add(queued)


def request_reset(uow: UnitOfWork, email: str, language: str) -> None:
    """R15: mail a reset link and code to ``email`` if it has an account; answer the same if not.

    Raises ``FieldErrors`` for something that is not an email address, and ``RateLimited``
    (counted per address, known or not, and per workstation) when asked too often.
    """
    email = normalize_email(email)
    _check_typed(email=email)
    if not is_email(email):
        raise FieldErrors({"email": Msg("Enter an email address like name@example.com.")})
    limits = uow.settings.rate_limits
    window = timedelta(minutes=limits.window_minutes)
    by_address = ratelimit.typed_subject(uow, "reset-email", email)
    workstation = f"workstation:{uow.workstation}"
    hit = ratelimit.reached(
        uow,
        AttemptKind.RESET_REQUESTED,
        [
            Limit(by_address, limits.reset_requests_per_account, window),
            Limit(workstation, limits.reset_requests_per_workstation, window),
        ],
    )
    if hit is not None:
        record(uow, ANONYMOUS, AuditAction.RATE_LIMITED, limit="reset_requests")
        raise RateLimited()
    ratelimit.note(uow, AttemptKind.RESET_REQUESTED, by_address, workstation)
    # A new mail means fresh attempts at its code.
    ratelimit.forget(uow, AttemptKind.RESET_CODE_FAILED, by_address)
    parent = _parent_by_email(uow, email)
    issue_reset(uow, parent, email, language)
    record(
        uow,
        ANONYMOUS,
        AuditAction.PASSWORD_RESET_REQUEST,
        ("parent", parent.id) if parent else None,
    )


def send_reset_mail(database: Database, email: str, language: str) -> None:
    """R15 at the kiosk: :func:`request_reset` in one unit of work."""
    with database.write() as uow:
        request_reset(uow, email, language)


# --- redeeming a code or link (R16) ----------------------------------------------------------


def _redeem(uow: UnitOfWork, reset: PasswordReset, via: str) -> TemporaryCredentials:
    limit = uow.settings.rate_limits.reset_code_attempts
    if reset.used_at is not None:
        raise ResetUsed()
    if reset.revoked_at is not None:
        raise ResetTooManyAttempts() if reset.failed_attempts >= limit else ResetSuperseded()
    if reset.expires_at <= uow.now():
        raise ResetExpired()
    parent = uow.session.get_one(ParentAccount, reset.parent_id)
    if parent.status in CLOSED:
        raise ResetSuperseded()
    reset.used_at = uow.now()
    uow.session.flush()
    credentials = issue_temporary(uow, parent, PasswordEvent.RESET)
    ratelimit.forget(
        uow,
        AttemptKind.RESET_CODE_FAILED,
        ratelimit.typed_subject(uow, "reset-email", parent.email),
    )
    record(uow, Actor.parent(parent), AuditAction.PASSWORD_RESET, ("parent", parent.id), via=via)
    return credentials


def redeem_code(uow: UnitOfWork, email: str, code: str) -> TemporaryCredentials:
    """The code from the mail, typed at the kiosk, gives a temporary password (shown once).

    A wrong code is counted per address and per workstation; after the district's number of
    wrong codes the reset dies. Only a right code tells whether it expired, was used already
    or was superseded, so guessing learns nothing about which addresses have accounts: an
    unknown address gets the same answers at the same counts, after the same statements.
    """
    limits = uow.settings.rate_limits
    window = timedelta(minutes=max(limits.window_minutes, uow.settings.reset_link_minutes))
    workstation = f"workstation:{uow.workstation}"
    email = normalize_email(email)
    _check_typed(email=email, code=code)
    by_address = ratelimit.typed_subject(uow, "reset-email", email)
    hit = ratelimit.reached(
        uow,
        AttemptKind.RESET_CODE_FAILED,
        [
            Limit(workstation, limits.signin_failures_per_workstation, window),
            Limit(by_address, limits.reset_code_attempts, window),
        ],
    )
    if hit is not None and hit.subject == workstation:
        record(uow, ANONYMOUS, AuditAction.RATE_LIMITED, limit="reset_code_workstation")
        raise RateLimited()
    if not normalize_code(code):
        raise FieldErrors({"code": REQUIRED})
    if hit is not None:
        raise ResetTooManyAttempts()
    parent = _parent_by_email(uow, email)
    # Asked for an unknown address too (no reset has parent -1): the same query.
    resets = list(
        uow.session.scalars(
            select(PasswordReset)
            .where(PasswordReset.parent_id == (parent.id if parent else -1))
            .order_by(PasswordReset.created_at.desc(), PasswordReset.id.desc())
            .limit(_NEWEST_RESETS)
        )
    )
    matched = None
    for reset in resets:
        if digests_equal(reset.code_digest, _code_digest(uow, reset.token_digest, code)):
            matched = reset
            break
    if not resets:
        _code_digest(uow, token_digest(""), code)  # the same work as a known address
    if matched is not None:
        return _redeem(uow, matched, via="code")
    ratelimit.note(uow, AttemptKind.RESET_CODE_FAILED, by_address, workstation)
    record(
        uow,
        ANONYMOUS,
        AuditAction.PASSWORD_RESET_FAILED,
        ("parent", parent.id) if parent else None,
    )
    failures = ratelimit.recent(uow, AttemptKind.RESET_CODE_FAILED, by_address, window)
    dying = failures >= limits.reset_code_attempts
    newest = resets[0] if resets else None
    is_open = newest is not None and newest.used_at is None and newest.revoked_at is None
    # One UPDATE whatever the address: it counts the miss on the newest open reset (and kills
    # that reset at the limit), or on no row (id -1) when there is none.
    uow.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == (newest.id if newest is not None and is_open else -1))
        .values(
            failed_attempts=PasswordReset.failed_attempts + 1,
            revoked_at=uow.now() if dying else PasswordReset.revoked_at,
        )
        .execution_options(synchronize_session=False)
    )
    if dying:
        raise ResetTooManyAttempts()
    raise ResetCodeWrong()


def use_reset_code(database: Database, email: str, code: str) -> TemporaryCredentials:
    """R16 at the kiosk: :func:`redeem_code` in one unit of work."""
    with database.write() as uow:
        return redeem_code(uow, email, code)


def redeem_link(uow: UnitOfWork, token: str) -> TemporaryCredentials:
    """The link from the mail (browser version) gives a temporary password, shown once."""
    if not text.is_clean(token, text.RESET_TOKEN):
        raise LinkInvalid()
    reset = uow.session.scalar(
        select(PasswordReset).where(PasswordReset.token_digest == token_digest(token.strip()))
    )
    if reset is None:
        raise LinkInvalid()
    return _redeem(uow, reset, via="link")
