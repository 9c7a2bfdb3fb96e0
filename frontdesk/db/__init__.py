"""Storage: the engine, units of work, the ORM models and their migrations."""

from frontdesk.db.engine import Database, open_database
from frontdesk.db.uow import UnitOfWork

__all__ = ["Database", "UnitOfWork", "open_database"]
