"""V1, V2, A3 services: the searchable queue, the request view, the desk's history."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select, update

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, ParentAccount, StaffRole
from frontdesk.errors import NotAllowed, StudentNotMatched
from frontdesk.services.history import (
    HistoryFilter,
    desk_history,
    iter_history,
    write_history_csv,
)
from frontdesk.services.linking import ChildIdentifiers, request_link
from frontdesk.services.queue import prepare_queue_search, waiting_requests
from frontdesk.services.review import open_request
from frontdesk.services.verification import approve_link, deny_link
from tests.factories import enrol, register, staff_member
from tests.screens.desk_world import LUKASZ, checked, desk_world

MIA = ChildIdentifiers(
    first_name="Mia", last_name="Smith", student_id="1000005", birthdate=date(2012, 2, 2)
)


def names(rows) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.student_name or r.parent_name for r in rows]


def test_the_search_follows_new_and_decided_requests(database: Database, clock) -> None:
    world = desk_world(database, clock)
    with database.read() as uow:
        assert prepare_queue_search(uow) == 4
        assert names(waiting_requests(uow, None, "o'brien")) == [
            "José O'Brien-Nguyễn",
            "Ayşe O'Brien-Nguyễn",
            "Tom O'Brien",
        ]
    # A decision made elsewhere: the row leaves the queue at the next read.
    with database.write() as uow:
        deny_link(uow, world.both, world.links["ayse"], "Not this family.")
    # A request made after the snapshot was built: found at the next read.
    newcomer = register(
        database, first_name="Zoë", last_name="Smith", email="zoe@example.org", language="en"
    )
    with database.read() as uow:
        assert names(waiting_requests(uow, None, "obrien")) == [
            "José O'Brien-Nguyễn",
            "Tom O'Brien",
        ]
        assert names(waiting_requests(uow, None, "ZOE")) == ["Zoë Smith"]
    # Zoë's email is on no student's record: only admins see her bare account.
    with database.read() as uow:
        assert waiting_requests(uow, world.both.school_ids, "zoe") == []
    with database.write() as uow:
        request_link(uow, newcomer, LUKASZ)
    with database.read() as uow:
        # Her first child turns the bare account into a link at Heron Bay.
        assert names(waiting_requests(uow, world.both.school_ids, "zoe")) == ["Łukasz Wiśniewski"]
        assert waiting_requests(uow, world.north.school_ids, "zoe") == []


def test_the_queue_is_oldest_first_or_newest_first(database: Database, clock) -> None:
    world = desk_world(database, clock)
    with database.read() as uow:
        oldest = waiting_requests(uow, world.both.school_ids)
        newest = waiting_requests(uow, world.both.school_ids, newest_first=True)
        assert names(newest) == names(oldest)[::-1]
        assert [r.key for r in oldest] == [
            f"link-{world.links['jose']}",
            f"link-{world.links['ayse']}",
            f"link-{world.links['lukasz']}",
            f"account-{world.tom.parent_id}",
        ]
        assert len(waiting_requests(uow, None, limit=2)) == 2


def test_opening_a_request_shows_the_record_and_is_audited(database: Database, clock) -> None:
    world = desk_world(database, clock)
    with database.write() as uow:
        view = open_request(uow, world.north, world.maria.parent_id)
    assert [c.student_name for c in view.children] == ["José O'Brien-Nguyễn", "Ayşe O'Brien-Nguyễn"]
    assert view.other_schools == ["Heron Bay High School"]
    jose = view.children[0]
    assert jose.parent_on_record is not None and jose.parent_on_record.matched_by == "email"
    assert [c.matched_by for c in jose.contacts] == ["email", None]
    assert jose.photo == b"\x89PNG fake"
    assert view.waiting_since == jose.requested_at
    with database.read() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "student.disclose")
        ).one()
        assert event.subject_id == world.maria.parent_id
    with database.read() as uow:
        open_request(uow, world.north, world.maria.parent_id, record_disclosure=False)


@pytest.mark.parametrize(
    ("first", "last"),
    [("MARIA", "nguyen"), ("Nguyễn", "María")],  # the family name said first, as in Vietnamese
)
def test_a_parent_is_matched_by_folded_name_and_failures_are_counted(
    database: Database, clock, first: str, last: str
) -> None:
    world = desk_world(database, clock)
    with database.write() as uow:
        uow.session.execute(
            update(ParentAccount)
            .where(ParentAccount.id == world.maria.parent_id)
            .values(email="m.nguyen@example.net", first_name=first, last_name=last)
        )
    wrong = ChildIdentifiers(
        first_name="José",
        last_name="O'Brien-Nguyễn",
        student_id="1000001",
        birthdate=date(2016, 4, 3),
        ssn_last4="1234",
    )
    with database.write() as uow, pytest.raises(StudentNotMatched):
        request_link(uow, world.maria, wrong)
    with database.write() as uow:
        view = open_request(uow, world.north, world.maria.parent_id)
    assert view.failed_link_attempts == 1
    assert view.children[0].failed_attempts == 1
    assert view.children[0].parent_on_record.matched_by == "name"  # type: ignore[union-attr]


def test_a_clerk_cannot_open_another_schools_request(database: Database, clock) -> None:
    world = desk_world(database, clock)
    south = staff_member(database, "south", StaffRole.CLERK, ["0102"])
    with database.write() as uow, pytest.raises(NotAllowed):
        open_request(uow, south, world.tom.parent_id)  # Tom's email is on Owl Creek records
    with database.write() as uow:
        assert open_request(uow, world.north, world.tom.parent_id).children == []


def test_the_history_names_who_when_where_and_filters(database: Database, clock) -> None:
    world = desk_world(database, clock)
    checked(database, world.north, world.maria.parent_id)
    with database.write() as uow:
        approve_link(uow, world.north, world.links["jose"])
    clock.advance(days=1)
    with database.write() as uow:
        deny_link(uow, world.both, world.links["lukasz"], '=HYPERLINK("x") not on record')
    with database.read() as uow:
        everything = desk_history(uow, HistoryFilter())
        assert [r.action for r in everything] == [
            "link.deny",
            "account.approve",
            "link.approve",
            "identity.check",
        ]
        assert everything[0].staff == "dave" and everything[0].workstation == "kiosk-1"
        assert everything[0].students == "Łukasz Wiśniewski (1000002)"
        assert everything[0].parent_email == "maria@example.org"
        assert [r.action for r in desk_history(uow, HistoryFilter(staff="dav"))] == ["link.deny"]
        assert [r.action for r in desk_history(uow, HistoryFilter(student="wisniewski"))] == [
            "link.deny"
        ]
        assert desk_history(uow, HistoryFilter(parent="tom")) == []
        day_one = HistoryFilter(since=date(2026, 10, 1), until=date(2026, 10, 1))
        assert len(desk_history(uow, day_one)) == 3
        out = io.StringIO()
        assert write_history_csv(iter_history(uow, HistoryFilter()), out) == 4
    text = out.getvalue()
    # A spreadsheet must not run a reason as a formula.
    assert "'=HYPERLINK" in text
    assert "K321" not in text


def test_a_clerk_finds_vietnamese_and_portuguese_names_typed_plainly(
    database: Database, clock
) -> None:
    world = desk_world(database, clock)
    enrol(database, "1000010", "Thị Đặng", "Nguyễn", date(2015, 3, 7), "2468")
    conceicao = register(
        database,
        first_name="Maria da Conceição",
        last_name="Silva",
        email="mcs@example.org",
        language="pt_BR",
    )
    with database.write() as uow:
        request_link(
            uow,
            conceicao,
            # Typed in the order the name is said: the family name first.
            ChildIdentifiers(
                first_name="Nguyễn",
                last_name="Thị Đặng",
                student_id="1000010",
                birthdate=date(2015, 3, 7),
                ssn_last4="2468",
            ),
        )
    decomposed = "NGUYE\u0302\u0303N"
    with database.read() as uow:
        prepare_queue_search(uow)
        for typed in ("nguyen thi dang", "Thị Đặng", decomposed, "conceicao", "da conceição"):
            found = waiting_requests(uow, world.north.school_ids, typed)
            assert "Thị Đặng Nguyễn" in names(found), typed
        assert names(waiting_requests(uow, world.north.school_ids, "dang nguyen thi")) == [
            "Thị Đặng Nguyễn"  # every word is found, in any order
        ]
    checked(database, world.north, conceicao.parent_id)
    with database.write() as uow:
        view = open_request(uow, world.north, conceicao.parent_id)
        approve_link(uow, world.north, view.children[0].link_id)
    with database.read() as uow:
        for student, parent in (("nguyen", ""), ("", "conceicao"), ("NGUYỄN", "maria silva")):
            found = desk_history(uow, HistoryFilter(student=student, parent=parent))
            assert "link.approve" in [r.action for r in found], (student, parent)
            assert {r.parent_email for r in found} == {"mcs@example.org"}
        assert {r.students for r in desk_history(uow, HistoryFilter(student="nguyen thi"))} == {
            "Thị Đặng Nguyễn (1000010)"
        }
