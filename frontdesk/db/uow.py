"""The unit of work: one transaction, and what services need around it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy.orm import Session

from frontdesk.clock import Clock, utc_now
from frontdesk.db.district import read_settings
from frontdesk.district_settings import DistrictSettings
from frontdesk.security import Keyring, PasswordHasher


@dataclass
class Runtime:
    """What services need besides a session: the key, the hasher, the clock, the workstation."""

    keyring: Keyring
    hasher: PasswordHasher = field(default_factory=PasswordHasher)
    workstation: str = "local"
    clock: Clock = utc_now
    portal_url: str = "http://localhost:8000"
    """Where parents open the portal in a browser; reset links in mails start with it."""


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
        return read_settings(self.session)
