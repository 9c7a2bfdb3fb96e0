"""The demo district as roster files, in the format the README gives (what an SIS exports)."""

from __future__ import annotations

from pathlib import Path

from frontdesk.demo.district import DemoOptions, DemoSummary, families, school_list
from frontdesk.roster.files import RosterWriter


def export_roster(folder: Path, options: DemoOptions) -> DemoSummary:
    """Write the demo district as roster files (the format the README gives)."""
    summary = DemoSummary()
    photos = folder / "photos"
    with RosterWriter(folder) as writer:
        schools = school_list(options.schools)
        writer.write("schools.csv", schools)
        summary.schools = len(schools)
        for family in families(options):
            for child in family.children:
                photo = ""
                if child.photo:
                    photos.mkdir(exist_ok=True)
                    (photos / f"{child.number}.png").write_bytes(child.photo)
                    photo = f"photos/{child.number}.png"
                writer.write(
                    "students.csv",
                    [
                        (
                            child.number,
                            schools[child.school][0],
                            child.first_name,
                            child.last_name,
                            child.birthdate.isoformat(),
                            child.grade,
                            "active" if child.active else "inactive",
                            child.ssn_last4 or "",
                            photo,
                        )
                    ],
                )
                writer.write(
                    "contacts.csv",
                    [
                        (
                            child.number,
                            c.first_name,
                            c.last_name,
                            c.relationship,
                            c.email or "",
                            c.phone or "",
                            "yes" if c.portal_access else "no",
                        )
                        for c in family.contacts
                    ],
                )
                summary.students += 1
                summary.contacts += len(family.contacts)
    return summary
