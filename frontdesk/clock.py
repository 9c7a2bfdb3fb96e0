"""The time, in one replaceable place (tests and demos fix it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""Returns the current moment as an aware UTC datetime."""


def utc_now() -> datetime:
    """The real current moment, in UTC."""
    return datetime.now(UTC)
