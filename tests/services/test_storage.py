"""The storage layer: pragmas, migrations on open, errors that carry no personal data."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from frontdesk.db.engine import Database, head_revision, schema_revision
from frontdesk.db.models import ParentAccount
from frontdesk.errors import safe_description
from tests.factories import register


def test_the_schema_is_at_the_newest_revision(database: Database) -> None:
    with database.engine.connect() as connection:
        assert schema_revision(connection) == head_revision()


def test_sqlite_runs_with_foreign_keys_and_wal(database: Database) -> None:
    if not database.is_sqlite:
        pytest.skip("SQLite only")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_database_errors_do_not_carry_what_was_typed(database: Database) -> None:
    register(database, email="secret.person@example.org")
    with pytest.raises(IntegrityError) as caught, database.write() as uow:
        row = uow.session.scalars(text("SELECT 1")).first()
        assert row == 1
        uow.session.add(
            ParentAccount(
                **{
                    c.key: getattr(uow.session.get_one(ParentAccount, 1), c.key)
                    for c in ParentAccount.__table__.columns
                    if c.key != "id"
                }
            )
        )
        uow.session.flush()
    # The server may quote the duplicate value in its own message; what we log never does.
    logged = safe_description(caught.value)
    assert "IntegrityError" in logged
    assert "secret.person" not in logged and "argon2" not in logged
    assert "parameters hidden" in str(caught.value)


def test_a_recorded_rejection_keeps_its_writes_and_others_roll_back(database: Database) -> None:
    from frontdesk.errors import DomainError, StudentNotMatched
    from frontdesk.services import ratelimit

    with pytest.raises(StudentNotMatched), database.write() as uow:
        ratelimit.note(uow, "test", "subject:1")
        raise StudentNotMatched()
    with pytest.raises(DomainError), database.write() as uow:
        ratelimit.note(uow, "test", "subject:2")
        raise DomainError(StudentNotMatched().message)
    from datetime import timedelta

    with database.read() as uow:
        assert ratelimit.recent(uow, "test", "subject:1", timedelta(hours=1)) == 1
        assert ratelimit.recent(uow, "test", "subject:2", timedelta(hours=1)) == 0
