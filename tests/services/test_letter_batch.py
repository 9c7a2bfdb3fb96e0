"""L1 in bulk: one PDF of letters for a school, one page per guardian and student. The PDF is
read back with pypdf (each guardian's name, code and the QR code's address on their page) and
each QR code is decoded with zxing-cpp: it opens the portal with that page's code."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, LetterCode, LinkStatus
from frontdesk.i18n import gettext_in
from frontdesk.security import HashParameters, PasswordHasher
from frontdesk.services.audit import Actor
from frontdesk.services.letter_batch import LetterRun, SchoolNotFound, print_letters
from frontdesk.services.letter_codes import (
    LetterState,
    normalize_code,
)
from frontdesk.services.letter_redemption import (
    LetterCodeReplaced,
    redeem_letter,
)
from frontdesk.services.letters import student_letters
from tests.factories import register
from tests.letters import Desk, codes_on, make_desk

OPERATOR = Actor.system("cli:office")
PORTAL = "https://portal.owl.example.org"


@pytest.fixture(scope="session")
def hasher() -> PasswordHasher:
    """Cheap hashes: these tests make accounts and never measure a sign-in."""
    return PasswordHasher(HashParameters(memory_kib=64, iterations=1))


@pytest.fixture
def desk(database: Database, tmp_path: Path) -> Desk:
    return make_desk(database, tmp_path)


def pages_of(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def qr_codes(pdf: Path) -> list[str]:
    """What each page's QR code says, decoded from the image on the page."""
    found = []
    for page in PdfReader(pdf).pages:
        (image,) = page.images
        (barcode,) = zxingcpp.read_barcodes(image.image)
        assert barcode.format == zxingcpp.BarcodeFormat.QRCode
        found.append(barcode.text)
    return found


def test_one_page_per_guardian_and_student_with_the_code_the_name_and_the_qr_address(
    database: Database, desk: Desk
) -> None:
    out = desk.folder / "letters.pdf"
    batch = print_letters(database, OPERATOR, LetterRun("0101", public_url=PORTAL), out)
    # North's guardians with portal access of enrolled students: María, for José and Ayşe
    # (Tom has no access; Bjørn's child left).
    assert (batch.school_name, batch.pages) == ("Owl Creek Elementary", 2)
    pages = pages_of(out)
    addresses = qr_codes(out)
    students = []
    for text, address in zip(pages, addresses, strict=True):
        (code,) = codes_on(text)
        assert "María Nguyễn" in text and "Owl County School District" in text
        assert address == f"{PORTAL}/?code={code}"
        assert address in text
        students.append(next(s for s in ("José", "Ayşe") if s in text))
    assert sorted(students) == ["Ayşe", "José"]
    # The codes work, each for its own student.
    parent = register(database)
    first = codes_on(pages[0])[0]
    assert redeem_letter(database, parent, first).first_name == students[0]
    # Audited: an issue per letter, one print for the run; never a code.
    with database.read() as uow:
        rows = list(uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    printed = [r for r in rows if r.action == "letter.print"]
    assert len([r for r in rows if r.action == "letter.issue"]) == 2
    assert len(printed) == 1 and printed[0].subject_kind == "school"
    assert printed[0].details["pages"] == 2 and printed[0].actor_name == "cli:office"
    for text in pages:
        code = codes_on(text)[0]
        assert not any(
            code in str(r.details) or normalize_code(code) in str(r.details) for r in rows
        )


def test_each_page_is_in_the_guardians_language(database: Database, desk: Desk) -> None:
    register(database, email="maria@example.org", language="es")
    out = desk.folder / "letters.pdf"
    print_letters(database, OPERATOR, LetterRun("0101"), out)
    spanish = gettext_in("es", "What to do")
    assert spanish != "What to do"
    assert all(spanish in text for text in pages_of(out))


def test_a_bulk_letter_replaces_the_one_from_the_desk(database: Database, desk: Desk) -> None:
    old = desk.issue(database, desk.maria_jose)
    print_letters(database, OPERATOR, LetterRun("0101"), desk.folder / "letters.pdf")
    with pytest.raises(LetterCodeReplaced):
        redeem_letter(database, register(database), old)
    letters = student_letters(database, desk.clerk, desk.roster.students["jose"]).guardians[0]
    assert [lt.state for lt in letters.letters] == [LetterState.ACTIVE, LetterState.REPLACED]
    assert letters.letters[0].in_bulk and letters.letters[0].issued_by == "cli:office"


def test_only_unlinked_and_one_grade(database: Database, desk: Desk) -> None:
    maria = register(database, email="maria@example.org")
    code = desk.issue(database, desk.maria_jose)
    assert redeem_letter(database, maria, code).status is LinkStatus.PENDING
    out = desk.folder / "unlinked.pdf"
    batch = print_letters(database, OPERATOR, LetterRun("0101", only_unlinked=True), out)
    assert batch.pages == 1
    assert "Ayşe" in pages_of(out)[0] and "José" not in pages_of(out)[0]
    none = print_letters(database, OPERATOR, LetterRun("0101", grade="4"), desk.folder / "g4.pdf")
    assert none.pages == 0 and not (desk.folder / "g4.pdf").exists()


def test_a_run_that_fails_issues_nothing(database: Database, desk: Desk) -> None:
    with pytest.raises(SchoolNotFound):
        print_letters(database, OPERATOR, LetterRun("9999"), desk.folder / "x.pdf")
    (desk.folder / "a-file").write_text("not a folder")
    with pytest.raises(OSError):
        print_letters(database, OPERATOR, LetterRun("0101"), desk.folder / "a-file" / "x.pdf")
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(LetterCode)) == 0
    assert sorted(p.name for p in desk.folder.iterdir()) == ["a-file"]
