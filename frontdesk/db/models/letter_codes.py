"""Letter codes (L1): a code mailed to a guardian on a student's record, kept as a digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    String,
    orm,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.models.base import Base
from frontdesk.db.models.staff import Staff


class LetterCode(Base):
    """A letter code (L1): mailed to a guardian on a student's record, it links that student
    to the account the guardian makes. Single use, expiring, revocable; the code itself is
    kept only as a keyed digest (``Keyring.digest("letter-code-v1", …)``).

    At most one live letter (neither used nor revoked) per contact: a new one revokes the
    one before (``replaced_by_id``), and a partial unique index holds the rule.
    """

    __tablename__ = "letter_codes"
    __table_args__ = (
        Index(
            "ux_letter_codes_live_contact",
            "contact_id",
            unique=True,
            sqlite_where=text("used_at IS NULL AND revoked_at IS NULL"),
            postgresql_where=text("used_at IS NULL AND revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    """The guardian (a contact is one person on one student's record); NULL once the roster
    import removed the contact, which ends the letter."""
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    guardian_name: Mapped[str] = mapped_column(String(200))
    """The name the letter was addressed to, kept for the desk once the contact is gone."""
    relationship: Mapped[str] = mapped_column(String(40), default="")
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    """The staff member who issued it at the desk; NULL for ``frontdesk letters``."""
    issued_by_name: Mapped[str] = mapped_column(String(200))
    """Who issued it, as the desk shows it (a staff member's name, or ``cli:<login>``)."""
    in_bulk: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("parent_accounts.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("student_links.id"), index=True)
    """The link the code made (or the waiting one it was added to)."""
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("letter_codes.id"))
    """The newer letter that revoked this one."""

    issued_by: Mapped[Staff | None] = orm.relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[Staff | None] = orm.relationship(foreign_keys=[revoked_by_id])
