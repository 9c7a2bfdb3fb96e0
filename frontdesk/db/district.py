"""The district's row: its settings, their version, and the key the district was made with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.db.models import District
from frontdesk.district_settings import DistrictSettings, default_settings

DISTRICT_ROW = 1


class KeyMismatch(Exception):
    """The key file does not belong to this database."""


def ensure_district(session: Session, fingerprint: str, now: datetime) -> None:
    """Create the district row on first open; refuse a key file made for another database."""
    row = session.get(District, DISTRICT_ROW)
    if row is None:
        session.add(
            District(
                id=DISTRICT_ROW,
                settings=default_settings().model_dump(mode="json"),
                key_fingerprint=fingerprint,
                updated_at=now,
            )
        )
        session.flush()
    elif row.key_fingerprint != fingerprint:
        raise KeyMismatch(
            "The district key file does not belong to this database; "
            "use the key file made with it (FRONTDESK_KEY_FILE)."
        )


def district_row(session: Session) -> District:
    """The district's row (made when the database was first opened)."""
    return session.get_one(District, DISTRICT_ROW)


def read_settings(session: Session) -> DistrictSettings:
    """The district's settings as stored."""
    return DistrictSettings.model_validate(district_row(session).settings)


def read_version(session: Session) -> int:
    """A number that changes whenever the settings change (cheap to poll)."""
    return session.scalar(select(District.version).where(District.id == DISTRICT_ROW)) or 0
