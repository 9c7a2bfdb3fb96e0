"""The verification desk (V1, V2, V3, A3) driven from the keyboard, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

from sqlalchemy import select
from textual import events
from textual.widgets import Input

from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.db.models import (
    AccountStatus,
    AuditEvent,
    IdentityCheck,
    LinkStatus,
    OutboxMail,
    ParentAccount,
    StaffRole,
    StudentLink,
)
from frontdesk.i18n import Msg
from frontdesk.services.verification import approve_link
from screens.app import FrontdeskApp
from screens.desk.history import HistoryScreen
from screens.desk.home import StaffHomeScreen
from screens.desk.queue import QueueScreen
from screens.desk.queue_table import QueueTable
from screens.desk.request import RequestScreen
from screens.textual_compat import notification_messages
from tests.factories import change_settings, staff_member
from tests.screens.desk_world import (
    checked,
    desk_world,
    rows,
    screen_text,
    settle,
    text_of,
)
from tests.screens.kiosk.test_errors import unreachable


def desk(database: Database, clerk: object) -> FrontdeskApp:
    app = FrontdeskApp(database, start="desk")
    app.staff = clerk  # type: ignore[assignment]
    return app


async def open_queue(app: FrontdeskApp, pilot: object) -> None:
    await app.push_screen(QueueScreen())
    await settle(app, pilot)


async def test_a_clerk_of_one_school_sees_its_queue_oldest_first(database, clock) -> None:
    world = desk_world(database, clock)
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_queue(app, pilot)
        listed = rows(app, "#queue")
        # Łukasz is at Heron Bay, which Carmen does not serve.
        assert [r[2] for r in listed] == [
            "José O'Brien-Nguyễn",
            "Ayşe O'Brien-Nguyễn",
            "(no child asked for yet)",
        ]
        assert [r[1] for r in listed] == ["María Nguyễn", "María Nguyễn", "Tom O'Brien"]
        assert listed[0][0] == "4 hours"  # asked at 15:00, now 19:30 (babel rounds down)
        assert listed[2][0] == "2 hours"
        assert "2 links waiting for verification · oldest first" in text_of(app, "#queue-summary")
        await pilot.press("f4")
        await settle(app, pilot)
        assert [r[1] for r in rows(app, "#queue")] == [
            "Tom O'Brien",
            "María Nguyễn",
            "María Nguyễn",
        ]
        assert "newest first" in text_of(app, "#queue-summary")


async def test_a_clerk_of_two_schools_filters_as_they_type(database, clock) -> None:
    world = desk_world(database, clock)
    app = desk(database, world.both)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_queue(app, pilot)
        assert len(rows(app, "#queue")) == 4
        for typed, expected in (
            ("wisn", ["Łukasz Wiśniewski"]),  # folded: ś is s
            ("LUKASZ", ["Łukasz Wiśniewski"]),
            ("1000003", ["Ayşe O'Brien-Nguyễn"]),  # student ID
            ("maria@example", ["José O'Brien-Nguyễn", "Ayşe O'Brien-Nguyễn", "Łukasz Wiśniewski"]),
            ("555-0102", ["(no child asked for yet)"]),  # Tom's phone
            ("obrien ayse", ["Ayşe O'Brien-Nguyễn"]),  # every word must match
        ):
            await pilot.press("ctrl+u", *typed)  # ctrl+u clears the box
            await settle(app, pilot)
            assert [r[2] for r in rows(app, "#queue")] == expected, typed
        await pilot.press("ctrl+u", *"nobody here")
        await settle(app, pilot)
        assert rows(app, "#queue") == []
        assert "Nothing waiting matches “nobody here”." in text_of(app, "#queue-empty")


async def test_opening_a_request_shows_the_record_and_audits_the_disclosure(
    database, clock
) -> None:
    world = desk_world(database, clock)
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_queue(app, pilot)
        await pilot.press("enter")  # the oldest request
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
        assert "Request of María Nguyễn — waiting 4 hours" in text_of(app, "#req-title")
        parent = text_of(app, "#parent-facts")
        assert "maria@example.org" in parent and "Español" in parent
        assert "Failed link attempts: 0" in parent
        assert "Also waiting at another school:" in parent and "Heron Bay High School" in parent
        children = rows(app, "#children")
        assert [c[0] for c in children] == ["José O'Brien-Nguyễn", "Ayşe O'Brien-Nguyễn"]
        assert all("Łukasz" not in c[0] for c in children)
        facts = text_of(app, "#student-facts")
        assert "On the record, with portal access" in facts
        assert "Matched: first name, last name, student ID, birthdate, last 4 of SSN" in facts
        contacts = rows(app, "#contacts")
        assert contacts[0][0] == "María Nguyễn" and contacts[0][5] == "yes (email)"
        assert contacts[1][0] == "Tom O'Brien" and contacts[1][4] == "no"
        # The photo on file is not a real image: the desk says so instead of failing.
        assert "The photo on file cannot be shown" in text_of(app, "#photo")
    with database.read() as uow:
        disclosure = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "student.disclose")
        ).one()
        assert disclosure.actor_name == "carmen"
        assert sorted(disclosure.details["student_ids"]) == sorted(
            [uow.session.get_one(StudentLink, world.links[n]).student_id for n in ("jose", "ayse")]
        )


async def test_check_and_approve_the_family_in_a_handful_of_keys(database, clock) -> None:
    world = desk_world(database, clock)
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_queue(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        # last 4 (moves on by itself), expiry, tab to "name matches", space, f4, enter.
        await pilot.press(*"d123", *"12/31/2029", "tab", "space", "f4")
        await pilot.pause()
        assert "Approve the whole family of María Nguyễn?" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
        assert "Approved 2 requests of María Nguyễn" in text_of(app, "#decision-message")
        assert [c[3] for c in rows(app, "#children")] == ["approved", "approved"]
        await pilot.press("escape")
        await settle(app, pilot)
        assert [r[1] for r in rows(app, "#queue")] == ["Tom O'Brien"]
    with database.read() as uow:
        check = uow.session.scalars(select(IdentityCheck)).one()
        assert (check.id_last4, check.name_matches, check.workstation) == ("D123", True, "kiosk-1")
        statuses = {n: uow.session.get_one(StudentLink, i).status for n, i in world.links.items()}
        assert statuses == {
            "jose": LinkStatus.APPROVED,
            "ayse": LinkStatus.APPROVED,
            "lukasz": LinkStatus.PENDING,
        }
        parent = uow.session.get_one(ParentAccount, world.maria.parent_id)
        assert parent.status is AccountStatus.ACTIVE
        kinds = sorted(m.kind for m in uow.session.scalars(select(OutboxMail)))
        assert kinds == ["account_approved", "link_decided", "link_decided"]
        assert "D123" not in str(uow.session.scalars(select(AuditEvent.details)).all())


async def test_one_child_is_approved_in_four_keys(database, clock) -> None:
    world = desk_world(database, clock)
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_queue(app, pilot)
        await pilot.press("enter", *"a1b2", *"1/1/2030", "tab", "space", "f3")
        await settle(app, pilot)
        assert "Approved: José O'Brien-Nguyễn. The parent gets an email." in text_of(
            app, "#decision-message"
        )
    with database.read() as uow:
        assert uow.session.get_one(StudentLink, world.links["jose"]).status is LinkStatus.APPROVED
        assert uow.session.get_one(StudentLink, world.links["ayse"]).status is LinkStatus.PENDING
        assert uow.session.scalars(select(IdentityCheck.id_last4)).one() == "A1B2"


async def test_an_expired_id_is_told_beside_the_field_and_nothing_is_recorded(
    database, clock
) -> None:
    world = desk_world(database, clock)
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RequestScreen(world.maria.parent_id))
        await settle(app, pilot)
        await pilot.press(*"7788", *"09/30/2026")  # the day before today
        await pilot.pause()
        assert "This ID has expired. Ask for a valid photo ID." in screen_text(app)
        await pilot.press("tab", "space", "f2")
        await settle(app, pilot)
        assert "This ID has expired." in screen_text(app)
        assert app.screen.query_one("#id-expires").value == "09/30/2026"  # nothing typed is lost
        await pilot.press("f3")  # approving with an expired ID in the form is refused too
        await settle(app, pilot)
    with database.read() as uow:
        assert uow.session.scalars(select(IdentityCheck)).all() == []
        assert uow.session.get_one(StudentLink, world.links["jose"]).status is LinkStatus.PENDING


async def test_approving_without_a_check_is_refused(database, clock) -> None:
    world = desk_world(database, clock)
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RequestScreen(world.maria.parent_id))
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert "Record the photo-ID check (with a matching name) before approving." in text_of(
            app, "#decision-message"
        )
    with database.read() as uow:
        assert uow.session.get_one(StudentLink, world.links["jose"]).status is LinkStatus.PENDING


async def test_deny_asks_a_reason_the_parent_sees(database, clock) -> None:
    world = desk_world(database, clock)
    app = desk(database, world.both)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RequestScreen(world.maria.parent_id))
        await settle(app, pilot)
        await pilot.press("f2")  # an empty form: each problem beside its field
        await pilot.pause()
        assert "Enter the last 4 characters of the ID number." in screen_text(app)
        app.screen.query_one("#children").focus()
        await pilot.press("down", "down", "f6")  # Łukasz
        await pilot.pause()
        await pilot.press("enter")  # no reason yet
        await pilot.pause()
        assert "Give a reason; the parent will see it." in screen_text(app)
        await pilot.press(*"Not on the student's record.", "enter")
        await settle(app, pilot)
        assert "Denied: Łukasz Wiśniewski. The parent is told why." in text_of(
            app, "#decision-message"
        )
        assert rows(app, "#children")[2][3] == "denied"
    with database.read() as uow:
        link = uow.session.get_one(StudentLink, world.links["lukasz"])
        assert (link.status, link.reason) == (LinkStatus.DENIED, "Not on the student's record.")
        mail = uow.session.scalars(select(OutboxMail)).one()
        assert "Not on the student's record." in mail.body_text


async def test_a_reason_that_cannot_be_kept_is_told_and_nothing_is_denied(database, clock) -> None:
    world = desk_world(database, clock)
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RequestScreen(world.maria.parent_id))
        await settle(app, pilot)
        # A reason pasted with a right-to-left override in it: no field on this screen for it.
        await pilot.press("f6")
        await pilot.pause()
        app.screen.query_one("#reason", Input).post_message(events.Paste("Not him\u202eer"))
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert text_of(app, "#decision-message") == (
            "This contains characters that cannot be used here, such as control characters. "
            "Please type it again."
        )
        assert rows(app, "#children")[0][3] == "waiting"
    with database.read() as uow:
        assert uow.session.get_one(StudentLink, world.links["jose"]).status is LinkStatus.PENDING


async def test_revoke_takes_back_an_approved_link_with_a_reason(database, clock) -> None:
    world = desk_world(database, clock)
    checked(database, world.north, world.maria.parent_id)
    with database.write() as uow:
        approve_link(uow, world.north, world.links["jose"])
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RequestScreen(world.maria.parent_id))
        await settle(app, pilot)
        app.screen.query_one("#children").focus()
        await pilot.press("down", "f7")  # Ayşe is still waiting: nothing to revoke
        await pilot.pause()
        assert "Only an approved link can be revoked." in text_of(app, "#decision-message")
        await pilot.press("up", "f7", *"Custody order on file.", "enter")
        await settle(app, pilot)
        assert rows(app, "#children")[0][3] == "revoked"
    with database.read() as uow:
        link = uow.session.get_one(StudentLink, world.links["jose"])
        assert (link.status, link.reason) == (LinkStatus.REVOKED, "Custody order on file.")


async def test_two_clerks_decide_at_once_and_the_second_is_told_who(
    database, database_url, runtime, clock
) -> None:
    world = desk_world(database, clock)
    checked(database, world.north, world.maria.parent_id)
    other = open_database(database_url, Runtime(runtime.keyring, runtime.hasher, "desk-2", clock))
    carmen, dave = desk(database, world.north), desk(other, world.both)
    try:
        # Each desk is set up inside its own app before the next starts (a screen takes its
        # app from the context it is pushed in).
        async with carmen.run_test(size=(120, 40)) as carmen_pilot:
            await carmen.push_screen(RequestScreen(world.maria.parent_id))
            await settle(carmen, carmen_pilot)
            async with dave.run_test(size=(120, 40)) as dave_pilot:
                await dave.push_screen(RequestScreen(world.maria.parent_id))
                await settle(dave, dave_pilot)
                # Carmen approves José while Dave denies him: two desks, two connections.
                dave.screen.query_one("#children").focus()
                await dave_pilot.press("f6", *"Different person at the counter.")
                await asyncio.gather(carmen_pilot.press("f3"), dave_pilot.press("enter"))
                await asyncio.gather(settle(carmen, carmen_pilot), settle(dave, dave_pilot))
                messages = {
                    "carmen": text_of(carmen, "#decision-message"),
                    "dave": text_of(dave, "#decision-message"),
                }
    finally:
        other.dispose()
    with database.read() as uow:
        link = uow.session.get_one(StudentLink, world.links["jose"])
        decisions = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["link.approve", "link.deny"]))
        ).all()
    assert len(decisions) == 1, messages
    if link.status is LinkStatus.APPROVED:
        assert messages["carmen"].startswith("Approved: José")
        assert messages["dave"] == "Carmen already decided this request (approved)."
    else:
        assert link.status is LinkStatus.DENIED
        assert messages["dave"].startswith("Denied: José")
        assert messages["carmen"] == "Dave already decided this request (denied)."


async def test_the_history_lists_filters_and_exports_decisions(
    database, clock, tmp_path: Path
) -> None:
    world = desk_world(database, clock)
    checked(database, world.north, world.maria.parent_id)
    with database.write() as uow:
        approve_link(uow, world.north, world.links["jose"])
    app = desk(database, world.both)
    async with app.run_test(size=(140, 40)) as pilot:
        await app.push_screen(HistoryScreen(folder=tmp_path))
        await settle(app, pilot)
        listed = rows(app, "#history")
        assert [r[1] for r in listed] == ["account approved", "link approved", "photo-ID check"]
        assert all(r[2] == "carmen" and r[3] == "kiosk-1" for r in listed)
        assert "José O'Brien-Nguyễn (1000001)" in listed[1][5]
        await pilot.press(*"tom")  # the parent filter: Tom has no history
        await settle(app, pilot)
        assert rows(app, "#history") == []
        await pilot.press("ctrl+u", "tab", *"1000001")
        await settle(app, pilot)
        assert [r[1] for r in rows(app, "#history")] == ["link approved"]
        await pilot.press("tab", "tab", *"13/45/2026")
        await pilot.pause()
        assert "Enter the date like M/d/yyyy." in screen_text(app)
        await pilot.press("ctrl+u", "f5")
        await settle(app, pilot)
        exported = list(tmp_path.glob("desk-history-*.csv"))
        assert len(exported) == 1
        assert f"Exported 1 event to {exported[0]}" in text_of(app, "#history-summary")
    with exported[0].open(encoding="utf-8") as f:
        lines = list(csv.DictReader(f))
    assert [(r["action"], r["staff"], r["students"]) for r in lines] == [
        ("link.approve", "carmen", "José O'Brien-Nguyễn (1000001)")
    ]


async def test_the_history_reads_dates_in_the_clerks_language(
    database, clock, tmp_path: Path
) -> None:
    world = desk_world(database, clock)
    checked(database, world.north, world.maria.parent_id)
    with database.write() as uow:
        approve_link(uow, world.north, world.links["jose"])
    change_settings(database, languages=["en", "es", "ht", "pt_BR", "vi"])
    app = FrontdeskApp(database)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.click("#lang-vi")  # on the start screen, before signing in
        await settle(app, pilot)
        app.staff = world.north
        await app.push_screen(HistoryScreen(folder=tmp_path))
        await settle(app, pilot)
        assert "(dd/MM/yyyy)" in screen_text(app)
        assert len(rows(app, "#history")) == 3
        await pilot.press("tab", "tab", "tab", *"02/10/2026")  # since 2 October: nothing
        await settle(app, pilot)
        assert rows(app, "#history") == []
        await pilot.press("ctrl+u", *"1/10/2026", "tab", *"01/10/2026")  # 1 October only
        await settle(app, pilot)
        assert [r[0] for r in rows(app, "#history")] == ["19:30 01/10/2026"] * 3
        await pilot.press("ctrl+u", *"01/10/26")
        await pilot.pause()
        told = Msg("Enter the date like {pattern}.", pattern="dd/MM/yyyy").translate("vi")
        assert told in screen_text(app)


async def test_the_home_screen_opens_the_desk_areas(database, clock) -> None:
    world = desk_world(database, clock)
    support = staff_member(database, "sam", StaffRole.SUPPORT, [])
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(StaffHomeScreen())
        await settle(app, pilot)
        await pilot.press("enter")  # the first area has the focus: the queue
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("escape", "tab", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
    app = desk(database, support)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(StaffHomeScreen())
        await settle(app, pilot)
        assert not app.screen.query("#area-queue")


async def test_the_next_clerk_at_the_desk_never_sees_the_last_ones_queue(database, clock) -> None:
    world = desk_world(database, clock)
    app = desk(database, world.both)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(StaffHomeScreen())
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Łukasz Wiśniewski" in [r[2] for r in rows(app, "#queue")]
        await pilot.press("escape", "ctrl+o")
        await settle(app, pilot)
        # Carmen (Owl Creek only) sits down and opens the queue before her staff home has
        # read it ahead: the queue screen is the one Dave used.
        app.staff = world.north
        queue = app.get_screen(QueueScreen.INSTALLED_NAME)
        assert isinstance(queue, QueueScreen)
        queue.prepare(None)
        assert queue.query_one("#queue", QueueTable).cells == []
        await app.push_screen(queue)
        await settle(app, pilot)
        assert [r[2] for r in rows(app, "#queue")] == [
            "José O'Brien-Nguyễn",
            "Ayşe O'Brien-Nguyễn",
            "(no child asked for yet)",
        ]


async def test_a_request_whose_disclosure_cannot_be_recorded_leaves_the_screen(
    database, clock
) -> None:
    world = desk_world(database, clock)
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_queue(app, pilot)  # the request under the cursor is read ahead
        app.database = unreachable(database)  # ...and then the database goes away
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        assert "The system is not answering right now" in " ".join(notification_messages(app))
        app.database.dispose()
    with database.read() as uow:
        assert not uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "student.disclose")
        ).all()
