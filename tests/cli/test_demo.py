"""The demo district: deterministic, in the roster format, usable at once."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from frontdesk.cli import main
from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.db.models import Contact, LinkStatus, Student, StudentLink
from frontdesk.demo import DEMO_PARENT_PASSWORD, DEMO_STAFF, DemoOptions, build, export_roster
from frontdesk.demo.district import DEMO_LANGUAGES, DEMO_TEXTS
from frontdesk.district_settings import TextKey
from frontdesk.i18n import current_language, language_name
from frontdesk.names import fold_name
from frontdesk.roster.files import CONTACTS_COLUMNS, SCHOOLS_COLUMNS, STUDENTS_COLUMNS
from frontdesk.security import Keyring
from frontdesk.services.district import load_settings
from frontdesk.services.linking import ChildIdentifiers, find_student
from frontdesk.services.signin import sign_in_parent, sign_in_staff
from tests.screens.kiosk.helpers import kiosk, press, settle, text_on


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def test_the_export_is_deterministic_and_in_the_roster_format(tmp_path: Path) -> None:
    options = DemoOptions(students=300, seed=7)
    first = export_roster(tmp_path / "a", options)
    export_roster(tmp_path / "b", options)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(
        export_roster(tmp_path / "c", DemoOptions(seed=8)) and tmp_path / "c"
    )
    with (tmp_path / "a" / "students.csv").open(encoding="utf-8") as f:
        students = list(csv.DictReader(f))
    with (tmp_path / "a" / "contacts.csv").open(encoding="utf-8") as f:
        contacts = list(csv.DictReader(f))
    with (tmp_path / "a" / "schools.csv").open(encoding="utf-8") as f:
        assert tuple(csv.DictReader(f).fieldnames or ()) == SCHOOLS_COLUMNS
    assert tuple(students[0]) == STUDENTS_COLUMNS and tuple(contacts[0]) == CONTACTS_COLUMNS
    assert len(students) == first.students == 300
    assert len(contacts) == first.contacts
    # The district looks like a real one: accents, apostrophes, hyphens; siblings sharing
    # contacts; contacts without email or portal access; inactive students; photos.
    names = " ".join(s["first_name"] + " " + s["last_name"] for s in students)
    assert any(fold_name(ch) != ch.lower() for ch in names if ch.isalpha())
    assert "'" in names and "-" in names
    emails = [c["email"] for c in contacts if c["email"]]
    assert len(emails) > len(set(emails))  # the same parent on several children's records
    assert any(not c["email"] for c in contacts)
    assert any(c["portal_access"] == "no" for c in contacts)
    assert any(s["status"] == "inactive" for s in students)
    assert all((tmp_path / "a" / s["photo"]).is_file() for s in students if s["photo"])
    assert sum(bool(s["ssn_last4"]) for s in students) > 200


def test_the_demo_database_is_ready_to_use(database: Database) -> None:
    summary = build(database, DemoOptions(students=300, seed=3))
    assert (summary.students, summary.schools) == (300, 4)
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Student)) == 300
        assert uow.session.scalar(select(func.count()).select_from(Contact)) == summary.contacts
        pending = uow.session.scalar(
            select(func.count())
            .select_from(StudentLink)
            .where(StudentLink.status == LinkStatus.PENDING)
        )
        assert pending == summary.pending_links > 0
        link = uow.session.scalars(select(StudentLink).limit(1)).one()
        parent_email = link.parent.email
    with database.write() as uow:
        for member in DEMO_STAFF:
            assert sign_in_staff(uow, member.username, member.password).role is member.role
        assert sign_in_parent(uow, parent_email, DEMO_PARENT_PASSWORD)


def test_demo_students_are_found_by_their_exported_identifiers(
    database: Database, tmp_path: Path
) -> None:
    options = DemoOptions(students=60, seed=5)
    build(database, options)
    export_roster(tmp_path, options)
    with (tmp_path / "students.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["status"] == "active" and r["ssn_last4"]][:10]
    from datetime import date

    with database.read() as uow:
        for row in rows:
            given = ChildIdentifiers(
                first_name=row["first_name"].upper(),
                last_name=row["last_name"],
                student_id=row["student_id"],
                birthdate=date.fromisoformat(row["birthdate"]),
                ssn_last4=row["ssn_last4"],
            )
            student = find_student(uow, given)
            assert student is not None and student.student_number == row["student_id"]


async def test_a_fresh_demo_welcomes_parents_in_five_languages_in_its_own_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("FRONTDESK_KEY_FILE", raising=False)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--no-open", "--fresh", "--students", "20", "--db", url]) == 0
    runtime = Runtime(keyring=Keyring.from_file(tmp_path / "demo.key", create=False))
    database = open_database(url, runtime)
    try:
        with database.read() as uow:
            settings = load_settings(uow)
        assert settings.languages == ["en", "es", "ht", "pt_BR", "vi"] == DEMO_LANGUAGES
        assert all(len(DEMO_TEXTS[code]) == len(TextKey) for code in DEMO_LANGUAGES)
        app = kiosk(database)
        async with app.run_test(size=(110, 50)) as pilot:
            await settle(pilot)
            bar = [str(b.label) for b in app.screen.query("#language-bar Button").results()]
            assert bar == [language_name(code) for code in DEMO_LANGUAGES]
            assert bar[3:] == ["Português (Brasil)", "Tiếng Việt"]
            for code in ["vi", "pt_BR", "ht", "es", "en"]:
                await press(pilot, f"#lang-{code}")
                assert current_language() == code
                shown = text_on(app)
                for key in TextKey:
                    assert DEMO_TEXTS[code][key] in shown, (code, key)
    finally:
        database.dispose()
