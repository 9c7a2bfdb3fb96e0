"""The demo district: schools, students with photos, the contacts on their records, staff,
parents waiting at the front office, and a kiosk in five languages. Deterministic for a seed,
and fast enough to make 400,000 students (the benchmarks' district) in well under two minutes.

:mod:`~frontdesk.demo.district` makes the people up, :mod:`~frontdesk.demo.database` puts them
in a database, :mod:`~frontdesk.demo.roster_files` writes them as the SIS's roster files.
"""

from frontdesk.demo.database import build, is_built
from frontdesk.demo.district import (
    DEMO_PARENT_PASSWORD,
    DEMO_STAFF,
    DemoOptions,
    DemoStaff,
    DemoSummary,
    demo_settings,
    families,
    school_list,
)
from frontdesk.demo.roster_files import export_roster

__all__ = [
    "DEMO_PARENT_PASSWORD",
    "DEMO_STAFF",
    "DemoOptions",
    "DemoStaff",
    "DemoSummary",
    "build",
    "demo_settings",
    "export_roster",
    "families",
    "is_built",
    "school_list",
]
