"""The demo district in a database: rows inserted in bulk, fast enough to make 400,000
students (the benchmarks' district) in well under two minutes, the demo staff accounts and
the district's settings (its languages and welcome texts)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import cast

from sqlalchemy import Connection, Table, func, insert, select, text

from frontdesk.db.engine import Database
from frontdesk.db.models import (
    AccountStatus,
    Base,
    Contact,
    LinkStatus,
    ParentAccount,
    School,
    Student,
    StudentLink,
    StudentPhoto,
)
from frontdesk.demo.district import (
    DEMO_PARENT_PASSWORD,
    DEMO_STAFF,
    DemoOptions,
    DemoSummary,
    demo_settings,
    families,
    school_list,
)
from frontdesk.names import search_key
from frontdesk.services.audit import Actor
from frontdesk.services.district import save_settings
from frontdesk.services.staff import create_staff

CHUNK = 20_000
"""Rows inserted per statement."""


def is_built(database: Database) -> bool:
    """Whether the database already holds a district roster."""
    with database.read() as uow:
        return uow.session.scalar(select(func.count()).select_from(School)) != 0


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


class _Batches:
    """Rows waiting to be inserted, flushed table by table every ``CHUNK`` rows."""

    # Parents before children, so foreign keys hold at every statement.
    ORDER = tuple(_table(m) for m in (Student, StudentPhoto, Contact, ParentAccount, StudentLink))

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._rows: dict[Table, list[dict[str, object]]] = {}

    def add(self, table: Table, row: dict[str, object]) -> None:
        rows = self._rows.setdefault(table, [])
        rows.append(row)
        if len(rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        for table in self.ORDER:
            rows = self._rows.pop(table, None)
            if rows:
                self._connection.execute(insert(table), rows)


def build(database: Database, options: DemoOptions) -> DemoSummary:
    """Fill an empty database with the demo district."""
    summary = DemoSummary()
    rng = random.Random(options.seed + 1)
    keyring = database.runtime.keyring
    now = database.runtime.clock()
    parent_hash = database.runtime.hasher.hash(DEMO_PARENT_PASSWORD)
    families_estimate = max(1, round(options.students / 1.6))
    take_rate = min(1.0, 1.4 * options.pending_links / families_estimate)
    with database.write() as uow:
        session = uow.session
        schools = school_list(options.schools)
        session.add_all(
            School(id=i + 1, code=code, name=name) for i, (code, name) in enumerate(schools)
        )
        session.flush()
        summary.schools = len(schools)
        connection = session.connection()
        batches = _Batches(connection)
        contact_id = parent_id = link_id = 0
        for family in families(options):
            for child in family.children:
                batches.add(
                    _table(Student),
                    {
                        "id": child.id,
                        "student_number": child.number,
                        "school_id": child.school + 1,
                        "first_name": child.first_name,
                        "last_name": child.last_name,
                        "name_key": search_key(child.first_name, child.last_name),
                        "birthdate": child.birthdate,
                        "grade": child.grade,
                        "active": child.active,
                        "ssn_last4_digest": (
                            keyring.ssn_last4_digest(child.number, child.ssn_last4)
                            if child.ssn_last4
                            else None
                        ),
                        "has_photo": child.photo is not None,
                    },
                )
                if child.photo:
                    batches.add(
                        _table(StudentPhoto),
                        {
                            "student_id": child.id,
                            "content_type": "image/png",
                            "data": child.photo,
                        },
                    )
                for c in family.contacts:
                    contact_id += 1
                    batches.add(
                        _table(Contact),
                        {
                            "id": contact_id,
                            "student_id": child.id,
                            "first_name": c.first_name,
                            "last_name": c.last_name,
                            "relationship": c.relationship,
                            "email": c.email,
                            "phone": c.phone,
                            "portal_access": c.portal_access,
                        },
                    )
                summary.students += 1
                summary.contacts += len(family.contacts)
            registering = next((c for c in family.contacts if c.email and c.portal_access), None)
            active_children = [c for c in family.children if c.active]
            if (
                registering is None
                or not active_children
                or summary.pending_links >= options.pending_links
                or rng.random() >= take_rate
            ):
                continue
            # A quarter of the demo's registered parents have been verified already.
            verified = rng.random() < 0.25
            parent_id += 1
            created = now - timedelta(minutes=rng.randrange(10, 60 * 24 * 30))
            batches.add(
                _table(ParentAccount),
                {
                    "id": parent_id,
                    "email": registering.email,
                    "first_name": registering.first_name,
                    "last_name": registering.last_name,
                    "name_key": search_key(
                        registering.first_name, registering.last_name, registering.email
                    ),
                    "phone": registering.phone,
                    "relationship": registering.relationship,
                    "extra_fields": {},
                    "password_hash": parent_hash,
                    "must_change_password": False,
                    "credentials_version": 1,
                    "status": (AccountStatus.ACTIVE if verified else AccountStatus.PENDING).value,
                    "language": rng.choice(("en", "en", "es", "ht")),
                    "email_notifications": verified,
                    "created_at": created,
                    "created_workstation": "demo",
                    "verified_at": created if verified else None,
                    "password_changed_at": created,
                },
            )
            summary.parents += 1
            for child in active_children:
                link_id += 1
                batches.add(
                    _table(StudentLink),
                    {
                        "id": link_id,
                        "parent_id": parent_id,
                        "student_id": child.id,
                        "school_id": child.school + 1,
                        "status": (LinkStatus.APPROVED if verified else LinkStatus.PENDING).value,
                        "matched_identifiers": [
                            "first_name",
                            "last_name",
                            "student_id",
                            "birthdate",
                            "ssn_last4",
                        ],
                        "requested_at": created + timedelta(minutes=rng.randrange(1, 9)),
                        "requested_workstation": "demo",
                        "decided_at": created if verified else None,
                    },
                )
                if not verified:
                    summary.pending_links += 1
        batches.flush()
        _advance_sequences(connection)
        actor = Actor.system("demo")
        for member in DEMO_STAFF:
            create_staff(
                uow,
                actor,
                username=member.username,
                display_name=member.display_name,
                role=member.role,
                password=member.password,
                pin=member.pin,
                school_codes=[code for code, _ in schools[: member.schools]],
            )
        summary.staff = list(DEMO_STAFF)
        save_settings(uow, actor, demo_settings())
    return summary


def _advance_sequences(connection: Connection) -> None:
    """PostgreSQL's id sequences do not see explicit ids; move them past the demo's rows."""
    if connection.dialect.name != "postgresql":
        return
    for model in (School, Student, Contact, ParentAccount, StudentLink):
        table = model.__tablename__
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
        )
