"""What the tests of letter codes (L1) share: a desk with the small roster, and reading the
codes off a PDF of letters the way a parent reads them off the page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import Contact, StaffRole
from frontdesk.services.letters import issue_letter
from frontdesk.services.sessions import StaffSession
from tests.factories import Roster, small_roster, staff_member

CODE = re.compile(r"\b[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}\b")


def codes_on(text: str) -> list[str]:
    """The codes printed on a page (each is there twice: alone, and in the QR's address)."""
    return list(dict.fromkeys(CODE.findall(text)))


def codes_in(pdf: Path) -> list[str]:
    """The codes printed in a PDF of letters, page by page."""
    return [code for page in PdfReader(pdf).pages for code in codes_on(page.extract_text())]


@dataclass
class Desk:
    """The small roster, a clerk of its north school, and where letters are written."""

    roster: Roster
    clerk: StaffSession
    maria_jose: int
    """María's contact on José's record (portal access)."""
    maria_sister: int
    tom_jose: int
    """Tom's contact on José's record (no portal access)."""
    folder: Path

    def issue(self, database: Database, contact_id: int, name: str = "letter") -> str:
        """A letter for the contact, as printed at the desk; its code."""
        out = self.folder / f"{name}.pdf"
        issue_letter(database, self.clerk, contact_id, out)
        (code,) = codes_in(out)
        return code


def make_desk(database: Database, tmp_path: Path) -> Desk:
    """The small roster with Nora, a clerk of 0101, and a folder for the letters."""
    roster = small_roster(database)
    clerk = staff_member(database, "nora", StaffRole.CLERK, ["0101"])
    (tmp_path / "letters").mkdir()
    with database.read() as uow:
        contacts = {
            (c.first_name, c.student_id): c.id for c in uow.session.scalars(select(Contact))
        }
    return Desk(
        roster=roster,
        clerk=clerk,
        maria_jose=contacts["María", roster.students["jose"]],
        maria_sister=contacts["María", roster.students["sister"]],
        tom_jose=contacts["Tom", roster.students["jose"]],
        folder=tmp_path / "letters",
    )
