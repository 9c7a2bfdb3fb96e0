"""The unit of work: one transaction, and what services need around it."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from frontdesk.db.engine import Runtime
    from frontdesk.services.district import DistrictSettings


class UnitOfWork:
    """A session inside one transaction, with the clock, key, hasher and workstation.

    Services take one of these, enforce their rules and leave committing to whoever opened
    it (``Database.write()`` commits once at the end of its block).
    """

    def __init__(self, session: Session, runtime: Runtime) -> None:
        self.session = session
        self.runtime = runtime

    def now(self) -> datetime:
        """The current moment (UTC), from the runtime's clock."""
        return self.runtime.clock()

    @property
    def workstation(self) -> str:
        """The name of the workstation doing the work."""
        return self.runtime.workstation

    @cached_property
    def settings(self) -> DistrictSettings:
        """The district's settings as of this transaction."""
        from frontdesk.services.district import load_settings

        return load_settings(self)
