"""Issue 15's figures: ``frontdesk letters`` for a school of 10,000 guardians.

The district is made here: one school, ``FRONTDESK_BENCH_LETTERS`` students (10,000) with one
guardian each, names with the accents of the five languages. The command runs as an operator
runs it, in a process of its own: its wall time gives the pages per second (codes issued,
audited and laid out, the PDF written), its largest resident size the peak memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date

from sqlalchemy import insert

from bench.context import BenchContext
from frontdesk.db.engine import Runtime, open_database
from frontdesk.db.models import Contact, School, Student
from frontdesk.names import search_key
from frontdesk.security import Keyring

GUARDIANS = int(os.environ.get("FRONTDESK_BENCH_LETTERS", "10000"))
_FIRST = ("María", "Nguyễn Thị", "Jean-Baptiste", "João", "Chloé", "Łukasz", "Ayşe", "Tom")
_LAST = ("García", "Trần", "Pierre-Louis", "Gonçalves", "O'Brien", "Wiśniewski", "Smith")


def _district(ctx: BenchContext, guardians: int) -> tuple[str, str]:
    """A district of one school whose students have one guardian each: (URL, key file)."""
    url = f"sqlite:///{ctx.workdir / f'letters-{guardians}.db'}"
    key = ctx.workdir / f"letters-{guardians}.key"
    database = open_database(url, Runtime(Keyring.from_file(key)))
    with database.write() as uow:
        school = School(code="0101", name="Owl Creek Elementary School")
        uow.session.add(school)
        uow.session.flush()
        students = []
        for n in range(guardians):
            first, last = _FIRST[n % len(_FIRST)], _LAST[n % len(_LAST)]
            students.append(
                {
                    "student_number": f"{1_000_000 + n}",
                    "school_id": school.id,
                    "first_name": first,
                    "last_name": last,
                    "name_key": search_key(first, last),
                    "birthdate": date(2015, 1 + n % 12, 1 + n % 28),
                    "grade": str(1 + n % 5),
                    "active": True,
                    "has_photo": False,
                }
            )
        uow.session.execute(insert(Student), students)
        ids = uow.session.scalars(Student.__table__.select().with_only_columns(Student.id))
        uow.session.execute(
            insert(Contact),
            [
                {
                    "student_id": student_id,
                    "first_name": _FIRST[(n + 3) % len(_FIRST)],
                    "last_name": _LAST[n % len(_LAST)],
                    "relationship": "Mother",
                    "email": f"guardian{n}@example.org",
                    "portal_access": True,
                }
                for n, student_id in enumerate(ids)
            ],
        )
    database.dispose()
    return url, str(key)


def run(ctx: BenchContext) -> None:
    url, key = _district(ctx, GUARDIANS)
    out = ctx.workdir / "letters.pdf"
    # The command in a process of its own, which says its own peak resident size at the end.
    command = (
        "import resource, sys; from frontdesk.cli import main; code = main(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(code)"
    )
    started = time.perf_counter()
    finished = subprocess.run(
        [
            sys.executable,
            "-c",
            command,
            "letters",
            "--db",
            url,
            "--key-file",
            key,
            "--school",
            "0101",
            "--out",
            str(out),
            "--public-url",
            "https://portal.owlcounty.example.org",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    peak_kib = int(finished.stdout.split()[-1])
    ctx.report("letters_guardians", GUARDIANS, "pages")
    ctx.report("letters_pages_per_second", GUARDIANS / seconds, "pages/s")
    ctx.report("letters_seconds", seconds, "s")
    ctx.report("letters_peak_rss", peak_kib / 1024, "MiB")
    ctx.report("letters_pdf_size", out.stat().st_size / 2**20, "MiB")
