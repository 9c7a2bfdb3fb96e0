"""V1, V2, A1, A3: what the desk's screens call, one unit of work each: the home's summary, the
queue warmed and read, a request read (disclosed or not), the history read and exported, a
staff member signing in and changing a temporary password."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, StaffRole
from frontdesk.errors import DomainError, FieldErrors, SignInFailed
from frontdesk.services.audit import Actor
from frontdesk.services.desk_queue import desk_summary, read_queue, warm_queue
from frontdesk.services.history import HistoryFilter, export_history, read_history
from frontdesk.services.passwords import PasswordChange
from frontdesk.services.review import read_request
from frontdesk.services.signin import sign_in_at_desk
from frontdesk.services.staff import change_password_at_desk, reset_staff_password
from frontdesk.services.verification import approve_link
from tests.conftest import FakeClock
from tests.factories import STAFF_PASSWORD, staff_member
from tests.screens.desk_world import World, checked, desk_world


def audited(database: Database, action: str) -> int:
    with database.read() as uow:
        return (
            uow.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
            )
            or 0
        )


@pytest.fixture
def world(database: Database, clock: FakeClock) -> World:
    return desk_world(database, clock)


def test_the_home_counts_what_waits_at_the_clerks_schools(database: Database, world: World) -> None:
    north = desk_summary(database, world.north.school_ids)
    assert (north.school_names, north.waiting) == (["Owl Creek Elementary"], 2)
    everywhere = desk_summary(database, None)
    assert everywhere.waiting == 3 and len(everywhere.school_names) == 2


def test_the_queue_is_warmed_then_read_as_typed(database: Database, world: World) -> None:
    first = warm_queue(database, world.both.school_ids)
    assert [r.student_name for r in first.rows] == [
        "José O'Brien-Nguyễn",
        "Ayşe O'Brien-Nguyễn",
        "Łukasz Wiśniewski",
        None,  # Tom's account, no child asked for yet
    ]
    assert first.waiting == 3 and first.schools is not None and len(first.schools) == 2
    typed = read_queue(database, world.both.school_ids, "wisn", need_schools=False)
    assert [r.student_name for r in typed.rows] == ["Łukasz Wiśniewski"]
    # A keystroke does not count again, nor read the schools again; F5 counts.
    assert (typed.waiting, typed.schools) == (None, None)
    assert read_queue(database, world.both.school_ids, "wisn", count=True).waiting == 3
    newest = read_queue(database, world.north.school_ids, newest_first=True)
    assert [r.student_name for r in newest.rows][-1] == "José O'Brien-Nguyễn"


def test_a_request_is_disclosed_only_when_the_clerk_opens_it(
    database: Database, world: World
) -> None:
    ahead = read_request(database, world.north, world.maria.parent_id, disclose=False)
    assert [c.student_name for c in ahead.children] == [
        "José O'Brien-Nguyễn",
        "Ayşe O'Brien-Nguyễn",
    ]
    assert audited(database, "student.disclose") == 0
    opened = read_request(database, world.north, world.maria.parent_id, disclose=True)
    assert opened == ahead
    assert audited(database, "student.disclose") == 1


def test_the_history_is_read_and_exported(database: Database, world: World, tmp_path: Path) -> None:
    checked(database, world.north, world.maria.parent_id)
    with database.write() as uow:
        approve_link(uow, world.north, world.links["jose"])
    rows = read_history(database, HistoryFilter(student="jose"))
    assert [r.action for r in rows] == ["link.approve"]
    with pytest.raises(FieldErrors):
        read_history(database, HistoryFilter(parent="x" * 10_000))
    exported = export_history(database, HistoryFilter(), tmp_path / "exports")
    assert exported.path == tmp_path / "exports" / "desk-history-20261001-193000.csv"
    with exported.path.open(encoding="utf-8") as file:
        lines = list(csv.reader(file))
    assert exported.rows == 3 == len(lines) - 1
    assert [line[1] for line in lines[1:]] == ["identity.check", "link.approve", "account.approve"]


def test_an_export_where_no_file_can_be_written_says_so(
    database: Database, world: World, tmp_path: Path
) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    with pytest.raises(DomainError) as caught:
        export_history(database, HistoryFilter(), blocked)
    assert str(caught.value.message).startswith(f"The file {blocked}/desk-history-")
    assert str(caught.value.message).endswith(".csv cannot be written here.")


def test_a_staff_member_signs_in_and_a_failure_is_counted(database: Database) -> None:
    staff_member(database, "carmen", StaffRole.SUPPORT, [])
    with pytest.raises(SignInFailed):
        sign_in_at_desk(database, "carmen", "not the password at all")
    # The refusal is an error, and still written: the lockout counts it.
    assert audited(database, "staff.signin_failed") == 1
    session = sign_in_at_desk(database, "Carmen", STAFF_PASSWORD)
    assert (session.username, session.role) == ("carmen", StaffRole.SUPPORT)
    assert audited(database, "staff.signin") == 1


def test_a_temporary_password_is_replaced(database: Database) -> None:
    carmen = staff_member(database, "carmen", StaffRole.SUPPORT, [])
    with database.write() as uow:
        temporary = reset_staff_password(uow, Actor.system("test"), carmen.staff_id)
    session = sign_in_at_desk(database, "carmen", temporary)
    assert session.must_change_password

    def change(current: str, new: str, confirm: str | None = None) -> PasswordChange:
        return PasswordChange(
            current=SecretStr(current), new=SecretStr(new), confirm=SecretStr(confirm or new)
        )

    with pytest.raises(FieldErrors) as caught:
        change_password_at_desk(database, session, change("wrong", "my own desk passphrase 2026"))
    assert str(caught.value.fields["current"]) == "This is not your current password."
    changed = change_password_at_desk(
        database, session, change(temporary, "my own desk passphrase 2026")
    )
    assert not changed.must_change_password
    assert sign_in_at_desk(database, "carmen", "my own desk passphrase 2026").staff_id == (
        carmen.staff_id
    )
