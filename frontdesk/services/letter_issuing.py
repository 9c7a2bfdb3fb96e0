"""Issuing letter codes (L1): new codes for locked guardians, each replacing the guardian's live
letter, and the printed page that carries one.

One place for the desk's single letter (:func:`frontdesk.services.letters.issue_letter`) and
a school's batch (:mod:`frontdesk.services.letter_batch`): both lock the contacts, issue, and
lay out pages the same way. At most one live letter per guardian and student: the contact's
row is locked, and a partial unique index holds the rule. Every issue is audited, never with
the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from frontdesk.db.models import Contact, LetterCode, ParentAccount, Student
from frontdesk.db.uow import UnitOfWork
from frontdesk.district_settings import DistrictSettings
from frontdesk.i18n import shipped_languages
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.letter_codes import code_digest, format_code, letter_url, new_code
from frontdesk.services.letter_pdf import Letterhead, LetterPage


@dataclass(frozen=True)
class Issuer:
    """Who issues letters: a staff member at the desk, or an operator's bulk print."""

    actor: Actor
    staff_id: int | None
    name: str
    in_bulk: bool


def lock_contacts(uow: UnitOfWork, contact_ids: Sequence[int]) -> list[Contact]:
    """The contacts as they are now, locked in id order until the transaction ends: two
    issuers for one guardian queue, and the second replaces the first's letter.

    ``FOR NO KEY UPDATE``: a letter pointing at the contact (``KEY SHARE``) does not wait."""
    return list(
        uow.session.scalars(
            select(Contact)
            .where(Contact.id.in_(list(contact_ids)))
            .order_by(Contact.id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )
    )


@dataclass(frozen=True)
class Issued:
    """A letter just made, with its code (only for the page that prints it)."""

    letter: LetterCode
    code: str


def issue_codes(uow: UnitOfWork, contacts: Sequence[Contact], issuer: Issuer) -> list[Issued]:
    """A new letter for each of ``contacts`` (locked by the caller, see :func:`lock_contacts`),
    each replacing the guardian's live letter; audited, without the codes."""
    if not contacts:
        return []
    now = uow.now()
    expires = now + timedelta(days=uow.settings.letter_code_days)
    ids = [c.id for c in contacts]
    # Revoked before the new ones go in (the unique index allows one live letter each), in
    # one statement that re-checks each row as it updates it: a letter being used at this
    # moment stays used, not revoked.
    live = dict(
        uow.session.execute(
            update(LetterCode)
            .where(
                LetterCode.contact_id.in_(ids),
                LetterCode.used_at.is_(None),
                LetterCode.revoked_at.is_(None),
            )
            .values(revoked_at=now)
            .returning(LetterCode.contact_id, LetterCode.id)
            .execution_options(synchronize_session=False)
        ).all()
    )
    made = []
    for contact in contacts:
        code = new_code()
        letter = LetterCode(
            contact_id=contact.id,
            student_id=contact.student_id,
            guardian_name=f"{contact.first_name} {contact.last_name}",
            relationship=contact.relationship,
            code_digest=code_digest(uow, code),
            issued_at=now,
            issued_by_id=issuer.staff_id,
            issued_by_name=issuer.name,
            in_bulk=issuer.in_bulk,
            expires_at=expires,
        )
        made.append(Issued(letter, code))
    uow.session.add_all(i.letter for i in made)
    uow.session.flush()
    if live:
        new_ids = {i.letter.contact_id: i.letter.id for i in made}
        uow.session.execute(
            update(LetterCode),
            [{"id": old, "replaced_by_id": new_ids[contact]} for contact, old in live.items()],
        )
    for issued in made:
        letter = issued.letter
        old = live.get(letter.contact_id)
        record(
            uow,
            issuer.actor,
            AuditAction.LETTER_ISSUE,
            ("letter", letter.id),
            student_id=letter.student_id,
            contact_id=letter.contact_id,
            in_bulk=issuer.in_bulk,
            expires_at=expires.isoformat(),
            **({"replaced_letter_id": old} if old is not None else {}),
        )
    return made


def page_language(settings: DistrictSettings, preferred: str | None) -> str:
    """The language of a guardian's letter: theirs when frontdesk can write it, else the
    district's default."""
    if preferred and preferred in shipped_languages():
        return preferred
    return settings.default_language


def letterhead(uow: UnitOfWork, portal_url: str | None = None) -> Letterhead:
    """What every page of the district's letters carries."""
    settings = uow.settings
    return Letterhead(
        district_name=settings.district_name,
        logo=settings.logo,
        approves_at_once=settings.letter_codes_approve_links,
        portal_url=(portal_url or uow.runtime.portal_url).rstrip("/"),
    )


def letter_page(
    head: Letterhead, issued: Issued, contact: Contact, student: Student, language: str
) -> LetterPage:
    """The page that carries one letter."""
    letter = issued.letter
    return LetterPage(
        language=language,
        guardian_name=letter.guardian_name,
        student_name=f"{student.first_name} {student.last_name}",
        school_name=student.school.name,
        code=format_code(issued.code),
        url=letter_url(head.portal_url, issued.code),
        issued=letter.issued_at.date(),
        expires=letter.expires_at.date(),
    )


def account_languages(uow: UnitOfWork, emails: Sequence[str | None]) -> dict[str, str]:
    """The language of the account made with each of ``emails``, where one was: the nearest
    thing to a preferred language the records hold (the roster does not give one)."""
    known = [e for e in emails if e]
    if not known:
        return {}
    return dict(
        uow.session.execute(
            select(ParentAccount.email, ParentAccount.language).where(
                ParentAccount.email.in_(known)
            )
        ).all()
    )
