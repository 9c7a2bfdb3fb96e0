"""What every benchmark suite shares: the demo district built once per run, timing helpers."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.demo import DemoOptions
from frontdesk.security import Keyring
from frontdesk.services.audit import Actor
from frontdesk.services.district import save_settings
from frontdesk.services.registration import AccountForm, create_parent_account
from frontdesk.services.sessions import ParentSession

Figure = tuple[str, float, str]

POSTGRES_SERVER = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
"""The PostgreSQL server suites make their schemas on."""

PASSWORD = "correct horse battery staple"
"""The password of the parent a suite makes with ``bench_parent``."""


@dataclass
class BenchContext:
    """Options of the run and the demo district the suites measure against."""

    students: int
    workdir: Path
    seed: int = 1
    figures: list[Figure] = field(default_factory=list)

    @property
    def options(self) -> DemoOptions:
        return DemoOptions(students=self.students, seed=self.seed)

    @property
    def sqlite_url(self) -> str:
        return f"sqlite:///{self.workdir / f'demo-{self.students}.db'}"

    @property
    def key_file(self) -> Path:
        return self.workdir / f"demo-{self.students}.key"

    def build_demo(self, url: str, key_file: Path) -> tuple[float, float]:
        """Build the demo district at ``url`` in a child process: (seconds, peak MiB)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "frontdesk",
                "demo",
                "--no-open",
                "--fresh",
                "--students",
                str(self.students),
                "--seed",
                str(self.seed),
                "--db",
                url,
                "--key-file",
                str(key_file),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ},
        )
        seconds = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        # ru_maxrss of children is the largest child so far; the build is the largest one.
        return seconds, max(peak_kib, before) / 1024

    @cached_property
    def sqlite(self) -> Database:
        """The demo district on SQLite (built by the foundation suite, or here)."""
        if not Path(self.sqlite_url.removeprefix("sqlite:///")).exists():
            self.build_demo(self.sqlite_url, self.key_file)
        return open_database(self.sqlite_url, Runtime(Keyring.from_file(self.key_file)))

    def report(self, name: str, value: float, unit: str) -> None:
        """Print one figure and keep it."""
        self.figures.append((name, value, unit))
        print(f"{name} {value:.3f} {unit}", flush=True)


def timings_ms(action: Callable[[], object], runs: int) -> list[float]:
    """Wall times of ``runs`` calls of ``action``, in milliseconds (after one warm-up)."""
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def bench_parent(
    database: Database, email: str = "ana@example.org", **raised_limits: int
) -> ParentSession:
    """One parent account (password ``PASSWORD``), with the named rate limits raised first so
    that a suite's many rounds are not stopped by them."""
    if raised_limits:
        with database.write() as uow:
            limits = uow.settings.rate_limits.model_copy(update=raised_limits)
            changed = uow.settings.model_copy(update={"rate_limits": limits})
            save_settings(uow, Actor.system("bench"), changed)
    with database.write() as uow:
        return create_parent_account(
            uow,
            AccountForm(
                first_name="Ana",
                last_name="Lima",
                email=email,
                phone="555 010 0101",
                relationship="Mother",
                password=PASSWORD,
                password_confirm=PASSWORD,
            ),
        )


def postgres_reachable() -> bool:
    """Whether the PostgreSQL server answers (suites that can do without it skip it)."""
    engine = create_engine(POSTGRES_SERVER)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception as error:
        print(f"# PostgreSQL not reachable ({type(error).__name__}): its figures are skipped")
        return False
    finally:
        engine.dispose()


@contextmanager
def postgres_schema(name: str) -> Iterator[str]:
    """The URL of an empty schema of its own on the PostgreSQL server, dropped afterwards."""
    schema = f"bench_{name}_{os.getpid()}"
    admin = create_engine(POSTGRES_SERVER)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(POSTGRES_SERVER).update_query_dict({"options": f"-csearch_path={schema}"})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()
