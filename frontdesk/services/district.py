"""Reading and changing the district's settings (R19); every change is audited.

The settings themselves are :class:`frontdesk.district_settings.DistrictSettings`; their row is
:mod:`frontdesk.db.district`.
"""

from __future__ import annotations

from typing import Any

from frontdesk.db import district
from frontdesk.db.uow import UnitOfWork
from frontdesk.district_settings import DistrictSettings
from frontdesk.services.audit import Actor, AuditAction, record


def load_settings(uow: UnitOfWork) -> DistrictSettings:
    """The district's settings as stored (read afresh, unlike the unit of work's copy)."""
    return district.read_settings(uow.session)


def settings_version(uow: UnitOfWork) -> int:
    """A number that changes whenever the settings change (cheap to poll)."""
    return district.read_version(uow.session)


def changed_values(old: DistrictSettings, new: DistrictSettings) -> dict[str, Any]:
    """``{key: {"old": …, "new": …}}`` for each top-level setting that differs."""
    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")
    # Compared as models, not as JSON: a set dumps in no fixed order.
    return {
        key: {"old": before[key], "new": after[key]}
        for key in after
        if getattr(old, key) != getattr(new, key)
    }


def save_settings(uow: UnitOfWork, actor: Actor, new: DistrictSettings) -> dict[str, Any]:
    """Store ``new``, bump the version and audit old and new values; returns what changed."""
    row = district.district_row(uow.session)
    changes = changed_values(DistrictSettings.model_validate(row.settings), new)
    if changes:
        row.settings = new.model_dump(mode="json")
        row.version += 1
        row.updated_at = uow.now()
        uow.__dict__.pop("settings", None)  # the cached copy is stale now
        record(uow, actor, AuditAction.SETTINGS_CHANGE, changes=changes)
    return changes
