"""Issue 5's figures: importing the district's roster (A2) into SQLite and PostgreSQL.

For each database, in the same run: the fastest plain load of the same rows (executemany in
one transaction on SQLite, COPY on PostgreSQL: read the CSV, insert the values, nothing
checked or compared), then ``frontdesk import-roster`` into an empty district, then the same
files again unchanged. The imports run in a child process, so its peak memory is its own.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.context import BenchContext
from frontdesk.db.engine import Runtime, open_database
from frontdesk.security import Keyring

POSTGRES_URL = os.environ.get(
    "FRONTDESK_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def run(ctx: BenchContext) -> None:
    folder = ctx.workdir / f"roster-{ctx.students}"
    if not (folder / "contacts.csv").exists():
        _frontdesk("demo", "--export", str(folder), "--students", str(ctx.students), "--no-photos")
    rows = _count_rows(folder)
    print(f"roster: {rows['students']} students, {rows['contacts']} contacts", flush=True)
    total = rows["students"] + rows["contacts"]

    sqlite_file = ctx.workdir / "roster-bench.db"
    _measure(ctx, "sqlite", f"sqlite:///{sqlite_file}", folder, total, _fresh_sqlite(sqlite_file))

    schema = f"fd_bench_roster_{os.getpid()}"
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    pg_url = url.render_as_string(hide_password=False)
    try:
        _measure(ctx, "postgresql", pg_url, folder, total, _fresh_postgres(schema))
    finally:
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _measure(
    ctx: BenchContext,
    backend: str,
    url: str,
    folder: Path,
    total: int,
    fresh: Callable[[], None],
) -> None:
    key = ctx.workdir / f"roster-bench-{backend}.key"
    key.unlink(missing_ok=True)

    fresh()
    plain_seconds = _plain_load(url, key, folder)
    plain_rate = total / plain_seconds
    ctx.report(f"roster_plain_load_{backend}_rate", plain_rate, "rows/s")

    fresh()
    _open_empty(url, key)
    first_seconds, peak_mib = _frontdesk_timed(
        "import-roster", str(folder), "--db", url, "--key-file", str(key)
    )
    first_rate = total / first_seconds
    ctx.report(f"roster_import_{backend}_rate", first_rate, "rows/s")
    ctx.report(f"roster_import_{backend}_ratio_to_plain_load", first_rate / plain_rate, "x")
    ctx.report(f"roster_import_{backend}_peak_rss", peak_mib, "MiB")

    again_seconds, again_mib = _frontdesk_timed(
        "import-roster", str(folder), "--db", url, "--key-file", str(key)
    )
    ctx.report(f"roster_reimport_unchanged_{backend}_seconds", again_seconds, "s")
    ctx.report(
        f"roster_reimport_unchanged_{backend}_ratio_to_first", again_seconds / first_seconds, "x"
    )
    ctx.report(f"roster_reimport_unchanged_{backend}_peak_rss", again_mib, "MiB")


def _fresh_sqlite(path: Path) -> Callable[[], None]:
    def fresh() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return fresh


def _fresh_postgres(schema: str) -> Callable[[], None]:
    def fresh() -> None:
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()

    return fresh


def _open_empty(url: str, key: Path) -> None:
    """Create the district's tables (not timed: the import expects a district database)."""
    open_database(url, Runtime(Keyring.from_file(key))).dispose()


def _read(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        yield from reader


def _plain_load(url: str, key: Path, folder: Path) -> float:
    """Seconds to read the CSV files and insert their values as they are, in one transaction."""
    database = open_database(url, Runtime(Keyring.from_file(key)))
    engine = database.engine
    schools = list(_read(folder / "schools.csv"))
    school_ids = {code: i + 1 for i, (code, _) in enumerate(schools)}
    started = time.perf_counter()
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        cursor = raw.cursor()  # type: ignore[union-attr]
        student_ids: dict[str, int] = {}

        def students() -> Iterator[tuple[object, ...]]:
            for n, (number, school, first, last, born, grade, status, ssn, _photo) in enumerate(
                _read(folder / "students.csv"), start=1
            ):
                student_ids[number] = n
                yield (n, number, school_ids[school], first, last, "", born, grade,
                       status == "active", ssn or None, False)  # fmt: skip

        def contacts() -> Iterator[tuple[object, ...]]:
            for n, (number, first, last, relationship, email, phone, access) in enumerate(
                _read(folder / "contacts.csv"), start=1
            ):
                yield (n, student_ids[number], first, last, relationship, email or None,
                       phone or None, access == "yes")  # fmt: skip

        student_columns = (
            "id, student_number, school_id, first_name, last_name, name_key, birthdate, grade, "
            "active, ssn_last4_digest, has_photo"
        )
        contact_columns = (
            "id, student_id, first_name, last_name, relationship, email, phone, portal_access"
        )
        if engine.dialect.name == "postgresql":
            cursor.executemany(
                "INSERT INTO schools (id, code, name) VALUES (%s, %s, %s)",
                [(school_ids[c], c, name) for c, name in schools],
            )
            for table, columns, source in (
                ("students", student_columns, students()),
                ("contacts", contact_columns, contacts()),
            ):
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in source:
                        copy.write_row(row)
        else:
            cursor.executemany(
                "INSERT INTO schools (id, code, name) VALUES (?, ?, ?)",
                [(school_ids[c], c, name) for c, name in schools],
            )
            cursor.executemany(
                f"INSERT INTO students ({student_columns}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                students(),
            )
            cursor.executemany(
                f"INSERT INTO contacts ({contact_columns}) VALUES (?,?,?,?,?,?,?,?)", contacts()
            )
    seconds = time.perf_counter() - started
    database.dispose()
    return seconds


def _count_rows(folder: Path) -> dict[str, int]:
    return {
        name: sum(1 for _ in _read(folder / f"{name}.csv")) for name in ("students", "contacts")
    }


def _frontdesk(*argv: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "frontdesk", *argv], check=True, stdout=subprocess.DEVNULL
    )


def _frontdesk_timed(*argv: str) -> tuple[float, float]:
    """Run a frontdesk command in a child process: (seconds, that child's peak MiB)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "frontdesk", *argv], stdout=out, stderr=err)
        # wait4 reaps the child and gives its own resource usage, not all children's.
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise RuntimeError(f"frontdesk {' '.join(argv)} failed: {err.read()[-2000:]}")
        print(out.read().strip(), flush=True)
    return seconds, usage.ru_maxrss / 1024
