"""What a re-import needs to know it would change nothing: the sums of rows' digests, and
what the last import that took a whole roster file left (the ``roster_files`` table).

Each stored row keeps the keyed digest of the CSV row it was last imported from
(``Keyring.roster_fingerprints``); a file keeps the keyed digest of its bytes
(``Keyring.roster_file_digest``). The key stays in ``frontdesk.security``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from frontdesk.db.models import RosterFile


@dataclass
class DigestSum:
    """The sum of rows' digests (modulo 2**128, so their order does not count) and how many."""

    digest: int = 0
    rows: int = 0

    def add(self, digests: Sequence[str]) -> None:
        """Add rows' digests (hexadecimal)."""
        self.digest = (self.digest + sum(map(int, digests, repeat(16)))) % 2**128
        self.rows += len(digests)

    def hex(self) -> str:
        """The sum as stored: 32 hexadecimal digits."""
        return f"{self.digest:032x}"


@dataclass(frozen=True)
class ImportedFile:
    """What an import of a roster file left (a ``RosterFile`` row, when the import was whole)."""

    file_digest: str
    rows: int
    """The file's rows."""
    unlisted: DigestSum | None
    """The records of students not listed (none: not whole)."""

    @property
    def stored(self) -> int:
        """The records in the table, when the import was whole."""
        return self.rows + (self.unlisted.rows if self.unlisted is not None else 0)

    def values(self) -> dict[str, Any]:
        """The ``RosterFile`` row's values (the import was whole)."""
        assert self.unlisted is not None
        return {
            "file_digest": self.file_digest,
            "rows": self.stored,
            "unlisted_digest": self.unlisted.hex(),
            "unlisted_rows": self.unlisted.rows,
        }


def last_whole_import(connection: Connection, file: str) -> ImportedFile | None:
    """What the last whole import of ``file`` left, if the last import of it was whole."""
    row = connection.execute(select(RosterFile).where(RosterFile.file == file)).first()
    if row is None:
        return None
    unlisted = DigestSum(int(row.unlisted_digest, 16), row.unlisted_rows)
    return ImportedFile(row.file_digest, row.rows - row.unlisted_rows, unlisted)


def keep_whole_import(
    connection: Connection, file: str, last: ImportedFile | None, now: ImportedFile
) -> None:
    """Keep what this import of ``file`` left (``now``) if it was whole (it has ``unlisted``);
    otherwise forget what an earlier import left (``last``)."""
    if now == last:
        return
    if last is not None:
        connection.execute(delete(RosterFile).where(RosterFile.file == file))
    if now.unlisted is not None:
        connection.execute(insert(RosterFile).values(file=file, **now.values()))
