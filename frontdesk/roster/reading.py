"""Reading the roster files: a file's header, then its rows a chunk at a time.

Rows come in the contract's column order (``files``), whatever the header's order, each with
the line of the file it ends on. A row that cannot be used as a row (unreadable, the wrong
number of values, bytes that are not UTF-8, a value too long for the csv module) is refused
here, in the report; the values of the others are checked by ``checks``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, cast

from frontdesk.i18n import Msg
from frontdesk.roster.report import ImportReport, RosterFileError, RowProblem

CHUNK: Final = 5000
"""Rows read, compared and written together: big enough for bulk statements, small enough
to keep memory flat and to stay under SQLite's limit of bound parameters."""


Progress = Callable[[str, int, int], None]
"""``progress(file name, bytes read, file size)``, called now and then while reading."""


@dataclass
class Chunk:
    """Rows as read, their values in the file's contract order, and the line each ends on."""

    lines: list[int] = field(default_factory=list)
    rows: list[Sequence[str]] = field(default_factory=list)

    def in_order(self, reorder: Callable[[Sequence[str]], Sequence[str]] | None) -> Chunk:
        """The chunk with each row's values in the contract's order (``reorder`` a row)."""
        if reorder is not None:
            self.rows = list(map(reorder, self.rows))
        return self

    def only(self, places: Sequence[int]) -> Chunk:
        """The rows at ``places``, in that order."""
        return Chunk([self.lines[i] for i in places], [self.rows[i] for i in places])


def _header_positions(name: str, reader: Any, columns: Sequence[str]) -> list[int]:
    """Where each of ``columns`` sits in the file's header row; a file without them is refused."""
    try:
        header = next(reader)
    except StopIteration:
        raise RosterFileError(RowProblem(name, 1, "", Msg("the file is empty"))) from None
    except csv.Error as error:
        raise RosterFileError(
            RowProblem(name, 1, "", Msg("not a readable CSV file: {reason}", reason=str(error)))
        ) from None
    header = [h.strip().lower() for h in header]
    missing = [c for c in columns if c not in header]
    if missing:
        raise RosterFileError(
            RowProblem(
                name,
                1,
                ", ".join(missing),
                Msg(
                    "the header lacks these columns; expected: {columns}",
                    columns=", ".join(columns),
                ),
            )
        )
    return [header.index(c) for c in columns] + [len(header)]


def _open_csv(folder: Path, name: str) -> tuple[io.BufferedReader, Any]:
    path = folder / name
    if not path.is_file():
        raise RosterFileError(RowProblem(name, 0, "", Msg("the file is missing")))
    raw = path.open("rb")
    # surrogateescape keeps reading past bad bytes, so the row (not the file) is refused.
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
    return raw, csv.reader(text)


def first_row(folder: Path, name: str, columns: Sequence[str]) -> list[str] | None:
    """Check the header of a file; its first row, unchecked (enough to tell it is not empty)."""
    raw, reader = _open_csv(folder, name)
    with raw:
        _header_positions(name, reader, columns)
        try:
            return next(reader, None)
        except csv.Error:
            return []  # a row is there; reading the file tells what is wrong with it


def read_chunks(
    folder: Path,
    name: str,
    columns: Sequence[str],
    report: ImportReport,
    progress: Progress | None,
    refused: Callable[[dict[str, str]], None] | None = None,
) -> Iterator[Chunk]:
    """The rows of one file, a chunk at a time; bytes that are not UTF-8 reject the row.

    ``refused`` hears what could be read of each row refused here, so the importer can leave
    that row's student alone.
    """
    raw, reader = _open_csv(folder, name)
    with raw:
        *positions, width = _header_positions(name, reader, columns)
        size = (folder / name).stat().st_size
        # The values in the contract's order, when the header has them in another.
        exact = positions == list(range(width))
        reorder = None if exact else itemgetter(*positions)
        # Most files are clean: checking the bytes once up front spares a check on every row.
        check_bytes = not _is_utf8(folder / name)
        row_filter = _RowFilter(name, columns, positions, width, check_bytes, report, refused)
        errors: list[tuple[int, str]] = []
        records = _records(reader, errors)
        start = reader.line_num
        while rows := list(islice(records, CHUNK)):
            end = reader.line_num
            if (
                end - start == len(rows)
                and not check_bytes
                and None not in rows
                and set(map(len, cast(list[list[str]], rows))) == {width}
            ):
                # The usual stretch: a line a row, each row whole.
                chunk = Chunk(list(range(start + 1, end + 1)), cast(list[Sequence[str]], rows))
            else:
                chunk = row_filter.good_rows(rows, start, errors)
            start = end
            if progress is not None:
                progress(name, raw.tell(), size)
            yield chunk.in_order(reorder)
        if row_filter.oversized:
            row_filter.refuse_oversized(folder / name)
        if progress is not None:
            progress(name, size, size)


def _records(reader: Any, errors: list[tuple[int, str]]) -> Iterator[list[str] | None]:
    """The reader's rows, and ``None`` for each record it cannot read (its line and why are
    added to ``errors``): the reader goes on with the next line."""
    while True:
        try:
            yield from reader
            return
        except csv.Error as error:
            errors.append((reader.line_num, str(error)))
            yield None


_OVERSIZED: Final = "field larger than field limit"
"""How the csv module says a value is longer than its limit (128 KiB unless set)."""


@dataclass(frozen=True)
class _RowFilter:
    """Takes the good rows of an untidy stretch of a file, with the line each ends on (rows
    over several lines, blank lines, unreadable records); refuses rows of the wrong width or
    with bytes that are not UTF-8."""

    name: str
    columns: Sequence[str]
    positions: Sequence[int]
    width: int
    check_bytes: bool
    report: ImportReport
    refused: Callable[[dict[str, str]], None] | None
    oversized: list[tuple[int, bool]] = field(default_factory=list)
    """Rows the csv module stopped reading at a value over its limit: (line, whether the row
    began on that line), reported once the file is read (``refuse_oversized``)."""

    def good_rows(
        self, rows: list[list[str] | None], start: int, errors: list[tuple[int, str]]
    ) -> Chunk:
        """The good ones of ``rows`` (read after line ``start``; ``None`` where a record was
        unreadable, its line and why first in ``errors``); the others are refused."""
        chunk = Chunk()
        line = start
        for row in rows:
            if row is None:
                after, (line, why) = line, errors.pop(0)
                if why.startswith(_OVERSIZED):
                    self.oversized.append((line, line == after + 1))
                    continue
                reason = Msg("not a readable CSV row: {reason}", reason=why)
                self.report.reject(self.name, line, "", reason)
                continue
            line += 1 + _line_breaks(row)
            if len(row) != self.width:
                if row:
                    self._refuse_width(line, row)
            elif self.check_bytes and any(_not_utf8(row[i]) for i in self.positions):
                self._refuse_bytes(line, row)
            else:
                chunk.lines.append(line)
                chunk.rows.append(row)
        return chunk

    def refuse_oversized(self, path: Path) -> None:
        """Refuse the rows with a value over the csv module's limit, naming the column when
        the row is on one line (the csv module does not say which value it was)."""
        limit = csv.field_size_limit()
        reason = Msg("too long to read (more than {n} characters)", n=limit)
        one_line = {line for line, alone in self.oversized if alone}
        found: dict[int, tuple[int, list[str]]] = {}
        if one_line:
            with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as text:
                for number, line_text in enumerate(text, start=1):
                    if number in one_line:
                        found[number] = _oversized_value(line_text, limit)
                        if len(found) == len(one_line):
                            break
        names = dict(zip(self.positions, self.columns, strict=True))
        for line, _alone in self.oversized:
            index, before = found.get(line, (-1, []))
            if self.refused is not None and before:
                self.refused(self._readable(before))
            self.report.reject(self.name, line, names.get(index, ""), reason)

    def _readable(self, row: list[str]) -> dict[str, str]:
        return {
            c: row[i]
            for c, i in zip(self.columns, self.positions, strict=True)
            if i < len(row) and not _not_utf8(row[i])
        }

    def _refuse_width(self, line: int, row: list[str]) -> None:
        """A row with more or fewer values than the header has names."""
        if self.refused is not None:
            self.refused(self._readable(row))
        found, expected = len(row), self.width
        reason = Msg(
            "{found} values where the header has {expected}", found=found, expected=expected
        )
        self.report.reject(self.name, line, "", reason)

    def _refuse_bytes(self, line: int, row: list[str]) -> None:
        pairs = zip(self.columns, self.positions, strict=True)
        bad = next(c for c, i in pairs if _not_utf8(row[i]))
        if self.refused is not None:
            self.refused(self._readable(row))
        self.report.reject(self.name, line, bad, Msg("bytes that are not UTF-8"))


_CSV_VALUE: Final = re.compile(r'"((?:[^"]|"")*)"?([^,\r\n]*)|([^,\r\n]*)')
"""One value of a CSV line (excel dialect): quoted (its closing quote may be on a later
line), then what follows the closing quote; or plain."""


def _oversized_value(line: str, limit: int) -> tuple[int, list[str]]:
    """Where in a CSV line the first value over ``limit`` characters is, and the values before
    it; ``-1`` if none is (the line is not what the csv module read)."""
    values: list[str] = []
    position = 0
    while True:
        match = _CSV_VALUE.match(line, position)
        assert match is not None  # every alternative can match nothing
        quoted, after, plain = match.groups()
        value = quoted.replace('""', '"') + after if quoted is not None else plain
        if len(value) > limit:
            return len(values), values
        values.append(value)
        position = match.end()
        if position >= len(line) or line[position] != ",":
            return -1, values
        position += 1


def _line_breaks(row: list[str]) -> int:
    """The line breaks inside the row's values (CR LF is one): each ends a line of the file."""
    return sum(v.count("\n") + v.count("\r") - v.count("\r\n") for v in row)


def _is_utf8(path: Path) -> bool:
    """Whether the whole file is valid UTF-8 (read in blocks: memory stays flat)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _not_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
