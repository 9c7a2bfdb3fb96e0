"""The kiosk in a real terminal, as a parent meets it: ``python -m frontdesk kiosk`` in tmux,
keys typed into the pty, the screen read back. It catches what Pilot cannot: where the
terminal's keys land, what fits at 80×24, widgets hidden under others, a resize.

Skipped when tmux is missing (CI installs it: see ``.ci/run``)."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal, plain, tmux_available

pytestmark = [
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    # The kiosk runs on a SQLite district of its own: once a run is enough (CI runs the
    # suite once per backend).
    pytest.mark.skipif(
        os.environ.get("FRONTDESK_TEST_DB") == "postgresql", reason="runs on the SQLite pass"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
STUDENTS = "40"
HUMAN_SECONDS = 3.2
"""The kiosk refuses a form sent faster than a person reads it (3 s, R7): a parent is slower."""


@dataclass(frozen=True)
class Child:
    """A student of the demo district, as the roster file has them."""

    first_name: str
    last_name: str
    student_id: str
    birthdate: str
    """As a parent types it in English (month/day/year)."""
    ssn_last4: str
    grade: str
    school: str


@dataclass(frozen=True)
class District:
    """A demo district on disk, and the environment to run frontdesk against it."""

    database_url: str
    env: dict[str, str]
    child: Child


def frontdesk(district_env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "frontdesk", *args],
        cwd=ROOT,
        env=district_env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def make_district(folder: Path, *, idle_seconds: int | None = None) -> District:
    """A demo district at a path of its own: its key is made beside it, and every command
    below finds it there (no ``--key-file``)."""
    env = {**os.environ, "XDG_DATA_HOME": str(folder / "data")}
    env.pop("FRONTDESK_KEY_FILE", None)
    env.pop("FRONTDESK_DATABASE_URL", None)
    url = f"sqlite:///{folder / 'kiosk' / 'district.db'}"
    frontdesk(env, "demo", "--no-open", "--students", STUDENTS, "--db", url)
    frontdesk(env, "demo", "--export", str(folder / "roster"), "--students", STUDENTS)
    if idle_seconds is not None:
        settings = folder / "settings.toml"
        frontdesk(env, "settings", "export", str(settings), "--db", url)
        text = re.sub(
            r"(?m)^kiosk_idle_seconds = \d+$",
            f"kiosk_idle_seconds = {idle_seconds}",
            settings.read_text(),
        )
        settings.write_text(text)
        frontdesk(env, "settings", "import", str(settings), "--db", url)
    return District(url, env, first_child(folder / "roster"))


def first_child(roster: Path) -> Child:
    with (roster / "schools.csv").open(encoding="utf-8") as f:
        schools = {row["school_id"]: row["name"] for row in csv.DictReader(f)}
    with (roster / "students.csv").open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["ssn_last4"] and r["photo"])
    year, month, day = row["birthdate"].split("-")
    return Child(
        first_name=row["first_name"],
        last_name=row["last_name"],
        student_id=row["student_id"],
        birthdate=f"{int(month)}/{int(day)}/{year}",
        ssn_last4=row["ssn_last4"],
        grade=row["grade"],
        school=schools[row["school_id"]],
    )


def open_kiosk(district: District, size: tuple[int, int]) -> Terminal:
    command = [sys.executable, "-m", "frontdesk", "kiosk", "--db", district.database_url]
    return Terminal(command, size=size, cwd=ROOT, env=district.env)


@pytest.fixture
def kiosk_at(tmp_path: Path) -> Iterator[object]:
    opened: list[Terminal] = []

    def start(size: tuple[int, int], *, idle_seconds: int | None = None) -> tuple[Terminal, Child]:
        district = make_district(tmp_path, idle_seconds=idle_seconds)
        terminal = open_kiosk(district, size)
        opened.append(terminal)
        return terminal, district.child

    yield start
    for terminal in opened:
        terminal.close()


class Cursor:
    """Where the cursor is, read off the screen's styles: a focused field's border has the
    theme's accent (learnt on a form's first field, which has the cursor when it opens); a
    focused button's text is bold and reversed. A person sees the same."""

    BUTTON = "\x1b[1;7m"

    def __init__(self, terminal: Terminal, first_label: str) -> None:
        self.terminal = terminal
        screen = terminal.wait_until_styled(
            lambda s: self._border_after(s, first_label) is not None, f"the field {first_label!r}"
        )
        marker = self._border_after(screen, first_label)
        assert marker is not None
        self.marker = marker

    @staticmethod
    def _border_after(screen: str, label: str) -> str | None:
        lines = screen.splitlines()
        at = next((i for i, line in enumerate(lines) if label in plain(line)), None)
        if at is None or at + 1 >= len(lines):
            return None
        border = re.search(r"((?:\x1b\[[0-9;]*m)+)▊", lines[at + 1])
        return border.group(1) + "▊" if border else None

    def is_on(self, screen: str, text: str) -> bool:
        """Whether the widget labelled (or showing) ``text`` has the cursor on ``screen``."""
        lines = screen.splitlines()
        at = next((i for i, line in enumerate(lines) if text in plain(line)), None)
        if at is None:
            return False
        near = lines[at : at + 2]
        return any(self.marker in line for line in near) or self.BUTTON in lines[at]

    def wait_on(self, text: str) -> None:
        """Wait until the cursor is on the widget labelled ``text``."""
        self.terminal.wait_until_styled(lambda s: self.is_on(s, text), f"the cursor on {text!r}")


def fill(cursor: Cursor, *fields: tuple[str, str], hidden: bool = False) -> None:
    """For each (label, value): once the cursor is in that field, type the value, see it there
    (a hidden one as dots), then Enter to the next field."""
    terminal = cursor.terminal
    for label, value in fields:
        cursor.wait_on(label)
        dots = "•" * len(value)
        before = terminal.screen().count(dots)
        terminal.type(value)
        if hidden:
            terminal.wait_until(lambda s: s.count(dots) > before, "the dots of a password")  # noqa: B023
        else:
            terminal.wait_for(value)
        terminal.press("Enter")


def answer_human_check(cursor: Cursor, shown_at: float) -> None:
    """Tick "I'm not a robot", go to the sum, answer it and send the form."""
    terminal = cursor.terminal
    cursor.wait_on("I'm not a robot")
    terminal.press("Space", "Tab")
    cursor.wait_on("Type the answer in digits.")
    question = re.compile(r"What is (\d+) plus (\d+)\?")
    found = question.search(terminal.screen())
    assert found
    answer = str(int(found.group(1)) + int(found.group(2)))
    terminal.type(answer)

    def answered(screen: str) -> bool:  # the answer in the field under the question
        lines = screen.splitlines()
        at = next(i for i, line in enumerate(lines) if question.search(line))
        return any(answer in line for line in lines[at + 1 : at + 3])

    terminal.wait_until(answered, "the answer in its field")
    time.sleep(max(0.0, shown_at + HUMAN_SECONDS - time.monotonic()))
    terminal.press("Enter")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_a_parent_registers_and_adds_a_child(kiosk_at, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    terminal, child = kiosk_at(size)
    terminal.wait_for("Parent Portal Registration")
    # The cursor starts on the first choice: Enter is "I do not have an account".
    terminal.press("Enter")
    terminal.wait_for("Create your parent account")
    shown_at = time.monotonic()
    cursor = Cursor(terminal, "First name *")  # the form opens with the cursor there
    assert not cursor.is_on(terminal.styled_screen(), "Last name *")
    fill(
        cursor,
        ("First name *", "Ana"),
        ("Last name *", "Pérez"),
        ("Email *", "ana.perez@example.org"),
        ("Phone", "305 555 0101"),
        ("Relationship to the child", "Mother"),
    )
    fill(cursor, ("Password *", PASSWORD), ("Password again *", PASSWORD), hidden=True)
    cursor.wait_on("Show password")
    terminal.press("Tab")
    answer_human_check(cursor, shown_at)
    terminal.wait_for("Your account is ready.")

    cursor.wait_on("ADD A CHILD")  # the first choice (it once switched the language)
    terminal.press("Enter")
    terminal.wait_for("Add a child who is already enrolled")
    shown_at = time.monotonic()
    fill(
        cursor,
        ("Student's first name", child.first_name),
        ("Student's last name", child.last_name),
        ("Student ID", child.student_id),
        ("Student's birthdate", child.birthdate),
    )
    fill(cursor, ("Social Security number", child.ssn_last4), hidden=True)
    answer_human_check(cursor, shown_at)
    # R10: the child's name, school and grade beside or under the photo, on screen.
    name = f"{child.first_name} {child.last_name}"
    terminal.wait_for("Student added", name, child.school, f"Grade {child.grade}")
    # A resize keeps them (and the title) on screen.
    terminal.resize(size[0] + 10, size[1] + 4)
    terminal.wait_for("Student added", name, child.school, f"Grade {child.grade}")
    terminal.resize(*size)
    terminal.wait_for("Student added", name, child.school, f"Grade {child.grade}")

    cursor.wait_on("Return to the student listing")
    terminal.press("Enter")  # back to the listing, the child on it
    terminal.wait_for("Your students", name)
    terminal.press("Tab")
    cursor.wait_on("I have a letter code")
    terminal.press("Tab")
    cursor.wait_on("APPLY FOR ENROLLMENT")
    terminal.press("Tab")
    cursor.wait_on("I am FINISHED")
    terminal.press("Enter")
    terminal.wait_for("Parent Portal", "Welcome, Ana Pérez")


def test_the_idle_countdown_shows_and_the_kiosk_wipes(kiosk_at) -> None:  # type: ignore[no-untyped-def]
    terminal, _child = kiosk_at((80, 24), idle_seconds=15)
    terminal.wait_for("Parent Portal Registration")
    terminal.press("Enter")
    terminal.wait_for("Create your parent account")
    terminal.type("Zoë")
    terminal.wait_for("Zoë")
    # The countdown comes before the wipe, where the parent sees it, with a key to stay.
    screen = terminal.wait_for("it clears in", "Press any key to stay", timeout=20)
    assert "Create your parent account" in screen and "Zoë" in screen
    terminal.press("x")  # stays: the key only stops the countdown
    screen = terminal.wait_gone("it clears in", timeout=5)
    assert "Zoë" in screen and "Zoëx" not in screen
    # Left alone again, the countdown comes back and the kiosk starts over.
    terminal.wait_for("it clears in", timeout=20)
    terminal.wait_for("Parent Portal Registration", timeout=20)
    terminal.wait_gone("it clears in", "Zoë", timeout=5)
    terminal.press("Enter")
    screen = terminal.wait_for("Create your parent account")
    assert "Zoë" not in screen


def letter_code_for(district: District, folder: Path) -> str:
    """A letter for one of the first child's guardians, printed with ``frontdesk letters`` as
    a school would; its code, as read off the child's page."""
    from pypdf import PdfReader

    from tests.letters import codes_on

    child = district.child
    with (folder / "roster" / "students.csv").open(encoding="utf-8") as f:
        school = next(
            r["school_id"] for r in csv.DictReader(f) if r["student_id"] == child.student_id
        )
    out = folder / "letters.pdf"
    frontdesk(
        district.env,
        "letters",
        "--school",
        school,
        "--grade",
        child.grade,
        "--out",
        str(out),
        "--db",
        district.database_url,
    )
    pages = [page.extract_text() for page in PdfReader(out).pages]
    page = next(p for p in pages if child.first_name in p and child.last_name in p)
    (code,) = codes_on(page)
    return code


def answer_human_check_in_spanish(cursor: Cursor, shown_at: float) -> None:
    """Tick "No soy un robot", go to the sum, answer it and send the form."""
    terminal = cursor.terminal
    cursor.wait_on("No soy un robot")
    terminal.press("Space", "Tab")
    cursor.wait_on("Escriba la respuesta en números.")
    found = re.search(r"¿Cuánto es (\d+) más (\d+)\?", terminal.screen())
    assert found
    terminal.type(str(int(found.group(1)) + int(found.group(2))))
    time.sleep(max(0.0, shown_at + HUMAN_SECONDS - time.monotonic()))
    terminal.press("Enter")


def test_a_parent_links_a_child_with_a_letter_code_in_spanish(tmp_path: Path) -> None:
    district = make_district(tmp_path)
    code = letter_code_for(district, tmp_path)
    child = district.child
    terminal = open_kiosk(district, (80, 24))
    try:
        terminal.wait_for("Parent Portal Registration")
        # The cursor starts on the first choice; back over the language bar from its end
        # (Tiếng Việt, Português, Kreyòl) to Español.
        terminal.press("BTab", "BTab", "BTab", "BTab", "Enter")
        terminal.wait_for("Escuelas del Condado de Owl")
        terminal.press("Enter")  # "NO tengo una cuenta…", where the cursor is again
        terminal.wait_for("Cree su cuenta de padre o madre")
        shown_at = time.monotonic()
        cursor = Cursor(terminal, "Nombre *")
        fill(
            cursor,
            ("Nombre *", "Ana"),
            ("Apellido *", "Pérez"),
            ("Correo electrónico *", "ana.perez@example.org"),
            ("Teléfono", "305 555 0101"),
            ("Relación con el niño", "Madre"),
        )
        fill(cursor, ("Contraseña *", PASSWORD), ("Repita la contraseña *", PASSWORD), hidden=True)
        cursor.wait_on("Mostrar contraseña")
        terminal.press("Tab")
        answer_human_check_in_spanish(cursor, shown_at)
        terminal.wait_for("Su cuenta está lista.")
        # Beside "add a child": the words the letter told the parent to look for.
        cursor.wait_on("AGREGAR A UN HIJO")
        terminal.press("Tab")
        cursor.wait_on("Tengo un código de carta")
        terminal.press("Enter")
        terminal.wait_for("Vincular a un hijo con un código de carta")
        cursor.wait_on("Código de carta")
        # Read off the page in small letters, the groups apart, and the last one forgotten.
        typed = code.lower().replace("-", " ")
        terminal.type(typed[:-1])
        terminal.wait_for(typed[:-1])
        terminal.press("Enter")
        terminal.wait_for("Un código de carta tiene 15 letras y dígitos")
        terminal.wait_for(typed[:-1])  # what was typed is still there...
        terminal.type(typed[-1])  # ...and the cursor at its end: the last character, Enter
        terminal.wait_for(typed)
        terminal.press("Enter")
        name = f"{child.first_name} {child.last_name}"
        terminal.wait_for(
            "Estudiante agregado",
            name,
            child.school,
            f"Grado {child.grade}",
            "En espera de que la escuela verifique",
        )
        cursor.wait_on("Volver a la lista de estudiantes")
        terminal.press("Enter")
        terminal.wait_for("Sus estudiantes", name)
        cursor.wait_on("Tengo un código de carta")  # where the parent left the menu
        terminal.press("Tab")
        cursor.wait_on("SOLICITAR LA INSCRIPCIÓN")
        terminal.press("Tab")
        cursor.wait_on("TERMINÉ")
        terminal.press("Enter")
        screen = terminal.wait_for("Portal para padres", "La escuela está revisando el código")
        assert "Visite su escuela" not in screen  # a letter needs no visit with a photo ID
    finally:
        terminal.close()
