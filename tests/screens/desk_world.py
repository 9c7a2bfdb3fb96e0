"""A small district with parents waiting at the desk, shared by the desk's Pilot and snapshot
tests: María asked for José and Ayşe (Owl Creek, 0101) and Łukasz (Heron Bay, 0102); Tom made
an account and asked for no child yet (his email is on José's record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.app import App
from textual.widgets import DataTable, Static

from frontdesk.db.engine import Database
from frontdesk.db.models import IdType, StaffRole
from frontdesk.services.identity_checks import IdentityCheckForm, record_identity_check
from frontdesk.services.linking import request_link
from frontdesk.services.sessions import ParentSession, StaffSession
from tests.factories import AYSE, JOSE, LUKASZ, register, small_roster, staff_member

GOOD_ID = IdentityCheckForm(
    id_type=IdType.PASSPORT, id_last4="K321", id_expires=date(2031, 5, 1), name_matches=True
)


@dataclass
class World:
    """Who waits, and the clerks who serve them."""

    maria: ParentSession
    tom: ParentSession
    links: dict[str, int]
    north: StaffSession
    """Carmen: a clerk of Owl Creek only."""
    both: StaffSession
    """Dave: a clerk of Owl Creek and Heron Bay."""


def desk_world(db: Database, clock: object) -> World:
    """María's three requests (an hour apart), Tom's bare account, two clerks."""
    small_roster(db)
    maria = register(db)
    links = {}
    for name, child in (("jose", JOSE), ("ayse", AYSE), ("lukasz", LUKASZ)):
        clock.advance(hours=1)  # type: ignore[attr-defined]
        with db.write() as uow:
            links[name] = request_link(uow, maria, child).link_id
    clock.advance(minutes=30)  # type: ignore[attr-defined]
    tom = register(
        db,
        first_name="Tom",
        last_name="O'Brien",
        email="tom@example.org",
        phone="(305) 555-0102",
        relationship="Father",
        language="en",
    )
    clock.advance(hours=2)  # type: ignore[attr-defined]
    north = staff_member(db, "carmen", StaffRole.CLERK, ["0101"])
    both = staff_member(db, "dave", StaffRole.CLERK, ["0101", "0102"])
    return World(maria, tom, links, north, both)


def checked(db: Database, clerk: StaffSession, parent_id: int) -> None:
    """A passing photo-ID check on record for the parent."""
    with db.write() as uow:
        record_identity_check(uow, clerk, parent_id, GOOD_ID)


def rows(app: App[object], selector: str) -> list[list[str]]:
    """The cells of a table on the current screen, as text."""
    from screens.desk.queue_table import QueueTable

    found = app.screen.query_one(selector)
    if isinstance(found, QueueTable):
        return found.cells
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def text_of(app: App[object], selector: str) -> str:
    """What a Static on the current screen shows."""
    content = app.screen.query_one(selector, Static).render()
    return content.plain if isinstance(content, Text) else str(content)


def screen_text(app: App[object]) -> str:
    """Everything the Statics and labels of the current screen show."""
    return " ".join(
        c.plain if isinstance(c := w.render(), Text) else str(c) for w in app.screen.query(Static)
    )


async def settle(app: App[object], pilot: object) -> None:
    """Let every worker finish and the screen catch up (twice: results start new reads)."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]
