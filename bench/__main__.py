"""Run the benchmarks: ``python -m bench`` (400,000 students) or ``python -m bench --quick``.

Each figure is printed as one ``name value unit`` line. Suites are modules of this package
with a ``run(ctx)`` function; ``--only`` picks some.
"""

from __future__ import annotations

import argparse
import importlib
import tempfile
from pathlib import Path

from bench.context import BenchContext

SUITES = (
    "foundation",
    "kiosk",
    "languages",
    "passwords",
    "roster",
    "desk",
    "mail",
    "decisions",
    "enumeration",
    "guards",
    "password_policy",
    "load",
    "web",
    "soak",
    "letters",
)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a 20,000-student district")
    parser.add_argument("--students", type=int, help="district size (default 400,000)")
    parser.add_argument("--only", action="append", choices=SUITES, help="run only these suites")
    parser.add_argument("--workdir", type=Path, help="keep the databases here")
    args = parser.parse_args()
    students = args.students or (20_000 if args.quick else 400_000)
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
        ctx = BenchContext(students=students, workdir=args.workdir or Path(tmp))
        ctx.workdir.mkdir(parents=True, exist_ok=True)
        for suite in args.only or SUITES:
            importlib.import_module(f"bench.{suite}").run(ctx)
    return 0


raise SystemExit(main())
