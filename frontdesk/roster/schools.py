"""schools.csv into the schools table (A2): a school is matched by its code (``school_id``)."""

from __future__ import annotations

from itertools import compress
from pathlib import Path

from sqlalchemy import Connection, insert, select, update

from frontdesk.db.models import School
from frontdesk.i18n import Msg
from frontdesk.roster.checks import SCHOOL_CHECKS, checked
from frontdesk.roster.files import SCHOOLS_COLUMNS
from frontdesk.roster.reading import Progress, read_chunks
from frontdesk.roster.report import ImportReport


def import_schools(
    connection: Connection, folder: Path, report: ImportReport, progress: Progress | None
) -> dict[str, int]:
    """Add and rename the schools of schools.csv; every school's id by its code."""
    name = "schools.csv"
    stored: dict[str, str] = {
        code: school_name
        for code, school_name in connection.execute(select(School.code, School.name))
    }
    seen: dict[str, int] = {}
    for chunk in read_chunks(folder, name, SCHOOLS_COLUMNS, report, progress):
        (codes, names), problems = checked(SCHOOL_CHECKS, chunk.rows)
        good = report.reject_rows(name, chunk.lines, problems)
        for line, code, school_name in compress(zip(chunk.lines, codes, names, strict=True), good):
            if code in seen:
                report.reject(
                    name,
                    line,
                    "school_id",
                    Msg("school {code} is already on line {line}", code=code, line=seen[code]),
                )
                continue
            seen[code] = line
            if code not in stored:
                connection.execute(insert(School).values(code=code, name=school_name))
                report.schools_added += 1
            elif stored[code] != school_name:
                connection.execute(
                    update(School).where(School.code == code).values(name=school_name)
                )
                report.schools_updated += 1
    return {code: id_ for id_, code in connection.execute(select(School.id, School.code))}
