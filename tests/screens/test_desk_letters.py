"""L1 at the desk, from the keyboard, on SQLite and PostgreSQL: on a request, ``f9`` opens the
highlighted child's letter codes; ``f2`` issues a letter for the highlighted guardian (its page
written where the clerk is told), a second one replaces the first, ``f7`` revokes after a
confirmation. A link made with a letter shows the letter on the request, and is approved
without a photo-ID check."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import Contact, LetterCode, LinkStatus, StudentLink
from frontdesk.i18n import format_short_date
from frontdesk.services.letter_redemption import redeem_letter
from screens.desk.dialogs import ConfirmDialog
from screens.desk.letters import LettersScreen
from screens.desk.request import RequestScreen
from tests.factories import register
from tests.letters import codes_in, make_desk
from tests.screens.desk_world import desk_world, rows, screen_text, settle, text_of
from tests.screens.test_desk import desk, open_queue


@pytest.fixture(autouse=True)
def letters_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the desk writes letters (under the XDG data home, as on a workstation)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data" / "frontdesk" / "letters"


def letters_of(database: Database) -> list[LetterCode]:
    with database.read() as uow:
        return list(uow.session.scalars(select(LetterCode).order_by(LetterCode.id)))


async def test_issue_replace_and_revoke_a_letter_from_the_request(
    database: Database, clock: object, letters_folder: Path
) -> None:
    world = desk_world(database, clock)
    with database.write() as uow:  # a second guardian with portal access on José's record
        jose = uow.session.get_one(StudentLink, world.links["jose"]).student_id
        uow.session.add(
            Contact(
                student_id=jose,
                first_name="Rosa",
                last_name="Nguyễn",
                relationship="Grandmother",
                email=None,
                phone="555-0109",
                portal_access=True,
            )
        )
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_queue(app, pilot)
        await pilot.press("enter")  # María's request, José highlighted
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, LettersScreen)
        assert "Letter codes of José O'Brien-Nguyễn (Owl Creek Elementary)" in text_of(
            app, "#letters-title"
        )
        # Contacts with portal access only (Tom has none), in the record's order.
        assert rows(app, "#guardians") == [
            ["María Nguyễn", "Mother", "—", "—", "—", "no letter yet"],
            ["Rosa Nguyễn", "Grandmother", "—", "—", "—", "no letter yet"],
        ]
        # f2: a letter for María, at once (none works yet), its page where the clerk reads.
        await pilot.press("f2")
        await settle(app, pilot)
        (first,) = letters_of(database)
        page = letters_folder / f"1000001-{first.contact_id}.pdf"
        until = format_short_date(first.expires_at.date())
        assert text_of(app, "#letter-message") == (
            f"Letter issued for María Nguyễn, valid until {until}. Print it: {page}"
        )
        assert stat.S_IMODE(page.stat().st_mode) == 0o600
        (first_code,) = codes_in(page)
        maria = rows(app, "#guardians")[0]
        assert maria[3:] == ["Carmen", until, "not used yet"]
        assert "Letters sent to María Nguyễn" in text_of(app, "#letter-history")
        # f2 again: this one would replace a letter that works, so the desk asks first.
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Issue a new letter for María Nguyễn?" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LettersScreen)
        old, new = letters_of(database)
        assert old.replaced_by_id == new.id and old.revoked_at is not None
        assert codes_in(page) != [first_code]  # the page now holds the new code only
        history = text_of(app, "#letter-history").splitlines()
        assert history[0] == "Letters sent to María Nguyễn"
        assert history[1].endswith(": not used yet") and "by Carmen" in history[1]
        assert history[2].endswith(": replaced by a newer letter")
        # Rosa, down one row: nothing sent to her.
        await pilot.press("down")
        await pilot.pause()
        assert "Letters sent to Rosa Nguyễn\nNone yet" in text_of(app, "#letter-history")
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, LettersScreen)  # nothing to revoke: no question
        assert text_of(app, "#letter-message") == "Rosa Nguyễn has no letter that still works."
        # f7 on María's: asked, Escape keeps it; asked again, Enter revokes it.
        await pilot.press("up", "f7")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Revoke the letter of María Nguyễn?" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert letters_of(database)[1].revoked_at is None
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert text_of(app, "#letter-message") == (
            "Letter of María Nguyễn revoked: its code no longer works."
        )
        today = format_short_date(letters_of(database)[1].revoked_at.date())  # type: ignore[union-attr]
        assert rows(app, "#guardians")[0][5] == f"revoked {today} by Carmen"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
    old, new = letters_of(database)
    assert new.revoked_by_id is not None and new.used_at is None


async def test_a_link_made_with_a_letter_shows_it_and_is_approved_without_an_id_check(
    database: Database, tmp_path: Path
) -> None:
    desk_ = make_desk(database, tmp_path)
    code = desk_.issue(database, desk_.maria_jose)
    parent = register(database, email="ana@example.org", first_name="Ana")
    redeem_letter(database, parent, code)  # the district lets the school check first
    app = desk(database, desk_.clerk)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_queue(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
        facts = text_of(app, "#student-facts")
        assert "Matched: letter code" in facts
        with database.read() as uow:
            letter = uow.session.scalars(select(LetterCode)).one()
        assert (
            "Letter code mailed to María Nguyễn (Mother), issued "
            f"{format_short_date(letter.issued_at.date())} by Nora, used "
            f"{format_short_date(letter.used_at.date())}"  # type: ignore[union-attr]
        ) in facts
        assert "The letter is the proof: no photo-ID check is needed." in facts
        await pilot.press("f3")  # no photo-ID check typed: the letter is enough
        await settle(app, pilot)
        assert "Approved: José O'Brien-Nguyễn." in text_of(app, "#decision-message")
        assert "The letter is the proof" not in text_of(app, "#student-facts")
        # The letter's desk view says it was used.
        await pilot.press("f9")
        await settle(app, pilot)
        used = format_short_date(letter.used_at.date())  # type: ignore[union-attr]
        assert rows(app, "#guardians")[0][5] == f"used {used}"
    with database.read() as uow:
        assert uow.session.scalars(select(StudentLink.status)).one() is LinkStatus.APPROVED
