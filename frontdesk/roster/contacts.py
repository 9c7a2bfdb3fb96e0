"""contacts.csv into the contacts table (A2).

A contact is matched by (student, first name, last name, relationship). As with students, a
row whose keyed digest is one stored costs no more than that look-up, and only rows that
differ are checked and written; the contacts of listed students that no row names leave
their record. When the last import took the whole file (``fingerprints``), a re-import of
the same bytes that finds the contacts as they were left reads neither the file nor them.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from sqlalchemy import delete, exists, func, select

from frontdesk.db.models import Contact
from frontdesk.i18n import Msg
from frontdesk.roster.checks import CONTACT_CHECKS
from frontdesk.roster.files import (
    C_ACCESS,
    C_EMAIL,
    C_FIRST,
    C_LAST,
    C_PHONE,
    C_RELATIONSHIP,
    C_STUDENT,
    CONTACTS_COLUMNS,
)
from frontdesk.roster.fingerprints import (
    DigestSum,
    ImportedFile,
    keep_whole_import,
    last_whole_import,
)
from frontdesk.roster.reading import Chunk, Progress, read_chunks
from frontdesk.roster.report import ImportReport
from frontdesk.roster.store import CONTACT_VALUES, RosterStore, StoredContact, in_chunks, same_value
from frontdesk.security import Keyring
from frontdesk.services.registration import normalize_email

ContactKey = tuple[int, str, str, str]
"""What names a contact: (student id, first name, last name, relationship)."""


class ContactsImport:
    """One import of contacts.csv, after the students'."""

    def __init__(
        self,
        store: RosterStore,
        keyring: Keyring,
        folder: Path,
        report: ImportReport,
        progress: Progress | None,
        *,
        student_ids: dict[str, int],
        refused: set[str],
        unlisted: list[int],
    ) -> None:
        self.store = store
        self.connection = store.connection
        self.new_contacts = store.new_contacts
        self.folder = folder
        self.report = report
        self.progress = progress
        self.keyring = keyring
        self.row_digests = keyring.roster_fingerprints("contacts.csv")
        self.student_ids = student_ids
        """Student numbers on a good row of students.csv -> their id (let go once read)."""
        self.refused = refused
        """Student numbers on a refused row of students.csv: left exactly as stored."""
        self.unlisted = unlisted
        """The students stored before this run whom students.csv does not list (on no good row)."""
        self.contacts_before = 0
        """The last contact id stored before this run (0: none, nothing to compare)."""
        self.matched: dict[int, int] = {}
        """Stored contacts named by a row: id -> line (a second row naming one is a repeat)."""
        self.added: dict[int, int] = {}
        """Contacts added by a row: hash of their key -> line, for the same check. A hash is
        8 bytes where the key is about 200: 800,000 of them stay small."""
        self.keep_contacts_of: set[int] = set()
        """Students whose stored contacts stay as they are (their row, or a contact's, refused)."""

    def import_rows(self) -> None:
        """Import the rows of contacts.csv, unless it is the file imported whole last time
        and the contacts are as that import left them."""
        name = "contacts.csv"
        self.contacts_before = self.connection.scalar(select(func.max(Contact.id))) or 0
        last = last_whole_import(self.connection, name)
        file_digest = self.keyring.roster_file_digest(self.folder / name)
        unlisted = self._unlisted_contacts()
        if last is not None and self._as_left(last, file_digest, unlisted):
            if self.progress is not None:
                size = (self.folder / name).stat().st_size
                self.progress(name, size, size)
            return  # the file imported last time, whole, and nothing changed since
        self.keep_contacts_of = {self.student_ids[n] for n in self.refused if n in self.student_ids}
        rejected_before = self.report.rejected_rows
        rows = 0
        chunks = read_chunks(self.folder, name, CONTACTS_COLUMNS, self.report, self.progress)
        # The contacts stored before this run by the digest of the row each was last
        # imported from (which names the contact: student, name and relationship).
        by_digest: dict[str, int] = {}
        if self.contacts_before:
            for batch in self.store.contacts_with_digest():
                by_digest.update(batch)
        for chunk in chunks:
            digests = self.row_digests(chunk.rows)
            rows += len(digests)
            stored: dict[ContactKey, StoredContact] = {}
            if self.contacts_before:
                changed, stored = self._unchanged_contacts(chunk, digests, by_digest)
                chunk, digests = chunk.only(changed), [digests[i] for i in changed]
            self._changed_contacts(chunk, digests, stored)
        self.store.settle()
        listed = set(self.student_ids.values()) - self.keep_contacts_of
        self.student_ids = {}
        self._remove_unlisted_contacts(listed)
        if self.report.rejected_rows > rejected_before:
            unlisted = None  # contacts of listed students may stay as they were
        elif self.keyring.roster_file_digest(self.folder / name) != file_digest:
            unlisted = None  # the file changed while it was read
        self._remember(name, last, ImportedFile(file_digest, rows, unlisted))

    def _unlisted_contacts(self) -> DigestSum | None:
        """The contacts of the students not listed (none: one of them has no digest)."""
        total = DigestSum()
        for ids in in_chunks(iter(self.unlisted)):
            digests = self.store.contact_digests_of(ids)
            if any(digest is None for (digest,) in digests):
                return None
            total.add([digest for (digest,) in digests])
        return total

    def _as_left(self, last: ImportedFile, file_digest: str, unlisted: DigestSum | None) -> bool:
        """Whether contacts.csv is the file imported whole last time, and the contacts are as
        that import left them: a detailed import would then change nothing.

        The contacts of students not listed were set aside then; the same ones are set aside
        now (none joined them, none left), so the others are those the rows named then, and
        every row names a listed student.
        """
        if file_digest != last.file_digest or unlisted != last.unlisted:
            return False
        counts = self.connection.execute(select(func.count(), func.count(Contact.roster_digest)))
        # Contacts added, removed or left without a digest by other means show here.
        return bool(tuple(counts.one()) == (last.stored, last.stored))

    def _remember(self, name: str, last: ImportedFile | None, now: ImportedFile) -> None:
        """Keep what this import of ``name`` left, if it was whole: every row good, and the
        table holds nothing else but the records of students not listed, each with a digest.
        Otherwise forget what an earlier import left."""
        counts = self.connection.execute(select(func.count(), func.count(Contact.roster_digest)))
        if now.unlisted is None or tuple(counts.one()) != (now.stored, now.stored):
            now = ImportedFile(now.file_digest, now.rows, None)
        keep_whole_import(self.connection, name, last, now)

    def _unchanged_contacts(
        self, chunk: Chunk, digests: list[str], by_digest: dict[str, int]
    ) -> tuple[list[int], dict[ContactKey, StoredContact]]:
        """Take the chunk's rows that say what is stored; the places of the others, and the
        stored contacts they were compared with."""
        self.store.settle()
        # The fast way: the row as read is the one last imported (same digest). A stored
        # contact is named by one row: it leaves by_digest as it is looked up.
        ids = list(map(by_digest.pop, digests, repeat(None)))
        if (
            None not in ids
            and self.student_ids.keys() >= set(map(itemgetter(C_STUDENT), chunk.rows))
            and self.matched.keys().isdisjoint(ids)
        ):
            self.matched.update(zip(cast(list[int], ids), chunk.lines, strict=True))
            return [], {}
        numbers = list(map(str.strip, map(itemgetter(C_STUDENT), chunk.rows)))
        before = self.contacts_before
        rest: list[int] = []
        waiting: set[ContactKey] = set()
        for place, number in enumerate(numbers):
            if number in self.student_ids:
                id_ = ids[place]
                if (
                    id_ is not None
                    and id_ not in self.matched
                    and (not waiting or self._key_of(chunk.rows[place]) not in waiting)
                ):
                    self.matched[id_] = chunk.lines[place]
                    continue
                waiting.add(self._key_of(chunk.rows[place]))
            rest.append(place)
        # Then the rest the slow way, value by value, as stored.
        stored = {
            (row.student_id, row.first_name, row.last_name, row.relationship): row
            for row in self.store.stored_contacts(
                list({self.student_ids[numbers[p]] for p in rest if numbers[p] in self.student_ids})
            )
            if row.id <= before
        }
        changed: list[int] = []
        waiting = set()
        backfill: list[dict[str, Any]] = []
        for place in rest:
            row = chunk.rows[place]
            if numbers[place] in self.student_ids:
                key = self._key_of(row)
                old = stored.get(key)
                if (
                    old is not None
                    and old.id not in self.matched
                    and key not in waiting
                    and _same_contact(row, old)
                ):
                    self.matched[old.id] = chunk.lines[place]
                    if old.roster_digest != digests[place]:
                        # Same values, another text (or none yet): remember this text.
                        backfill.append({"_id": old.id, "roster_digest": digests[place]})
                    continue
                waiting.add(key)
            changed.append(place)
        self.store.update_contacts(("roster_digest",), backfill)
        return changed, stored

    def _key_of(self, values: Sequence[str]) -> ContactKey:
        """The natural key a raw contacts.csv row names (its student must be known)."""
        return (
            self.student_ids[values[C_STUDENT].strip()],
            values[C_FIRST].strip(),
            values[C_LAST].strip(),
            values[C_RELATIONSHIP].strip(),
        )

    def _changed_contacts(
        self, chunk: Chunk, digests: list[str], stored: dict[ContactKey, StoredContact]
    ) -> None:
        """Check the rows that differ from what is stored; insert or update the good ones."""
        name = "contacts.csv"
        columns, lines, digests, _problems = self.report.keep_good_rows(
            name, CONTACT_CHECKS, chunk.rows, chunk.lines, digests
        )
        numbers, first_names, last_names, relationships, emails, phones, access = columns
        owners = list(map(self.student_ids.get, numbers))
        keys = list(zip(owners, first_names, last_names, relationships, strict=True))
        hashes = list(map(hash, keys))
        if (
            None not in owners
            and stored.keys().isdisjoint(keys)
            and len(set(hashes)) == len(hashes)
            and self.added.keys().isdisjoint(hashes)
        ):
            # The usual chunk of a first import: new contacts of listed students, each once.
            self.added.update(zip(hashes, lines, strict=True))
            new = zip(
                owners,
                first_names,
                last_names,
                relationships,
                emails,
                phones,
                access,
                digests,
                strict=True,
            )
            self.report.contacts_added += len(keys)
            self.new_contacts.write(list(new))
            return
        inserts: list[tuple[Any, ...]] = []
        updates: list[dict[str, Any]] = []
        backfill: list[dict[str, Any]] = []
        added: dict[ContactKey, int] = {}
        for place, line in enumerate(lines):
            number = numbers[place]
            if number not in self.student_ids:
                self._unlisted_student(number, line)
                continue
            key = cast(ContactKey, keys[place])  # its student is listed
            old = stored.get(key)
            first = self.matched.get(old.id) if old is not None else self._added_on(key, added)
            if first is not None:
                self.report.reject(
                    name,
                    line,
                    "",
                    Msg(
                        "the same contact of student {number} is already on line {line}",
                        number=number,
                        line=first,
                    ),
                )
                continue
            given = (emails[place], phones[place], access[place])
            if old is None:
                added[key] = line
                inserts.append((*key, *given, digests[place]))
                continue
            self.matched[old.id] = line
            if any(
                not same_value(getattr(old, c), v)
                for c, v in zip(CONTACT_VALUES, given, strict=True)
            ):
                changes = dict(zip(CONTACT_VALUES, given, strict=True))
                updates.append({"_id": old.id, **changes, "roster_digest": digests[place]})
            elif old.roster_digest != digests[place]:
                backfill.append({"_id": old.id, "roster_digest": digests[place]})
        self.added.update(zip(map(hash, added), added.values(), strict=True))
        self.report.contacts_added += len(inserts)
        self.report.contacts_updated += len(updates)
        self.new_contacts.write(inserts)
        if not (updates or backfill):
            return
        self.store.settle()
        self.store.update_contacts((*CONTACT_VALUES, "roster_digest"), updates)
        self.store.update_contacts(("roster_digest",), backfill)

    def _unlisted_student(self, number: str, line: int) -> None:
        """A contact's student is on no good row of students.csv: the contact is refused."""
        reason = (
            Msg("the student's row in students.csv was refused")
            if number in self.refused
            else Msg("no student {number} in students.csv", number=number)
        )
        self.report.reject("contacts.csv", line, "student_id", reason)

    def _added_on(self, key: ContactKey, added_here: dict[ContactKey, int]) -> int | None:
        """The line of the row that added this contact in this run, if one did."""
        line = added_here.get(key)
        if line is None and (line := self.added.get(hash(key))) is not None:
            # Only the key's hash is kept: the database tells whether the key is the same.
            self.store.settle()
            student_id, first_name, last_name, relationship = key
            same = select(Contact.id).where(
                Contact.id > self.contacts_before,
                Contact.student_id == student_id,
                Contact.first_name == first_name,
                Contact.last_name == last_name,
                Contact.relationship == relationship,
            )
            if self.connection.scalar(select(exists(same))) is not True:
                line = None
        return line

    def _remove_unlisted_contacts(self, listed: set[int]) -> None:
        """Contacts of listed students that no row names any more leave their record."""
        before = self.contacts_before
        if len(self.matched) == self.connection.scalar(
            select(func.count()).where(Contact.id <= before)
        ):
            return  # every contact stored before was named by a row
        stored = self.store.contacts_up_to(before)
        unlisted = [
            id_ for id_, student_id in stored if id_ not in self.matched and student_id in listed
        ]
        for chunk in in_chunks(iter(unlisted)):
            self.connection.execute(delete(Contact).where(Contact.id.in_(chunk)))
        self.report.contacts_removed = len(unlisted)


def _same_contact(values: Sequence[str], old: StoredContact) -> bool:
    """Whether a raw contacts.csv row says exactly what is stored."""
    return bool(
        normalize_email(values[C_EMAIL]) == (old.email or "")
        and values[C_PHONE].strip() == (old.phone or "")
        and values[C_ACCESS].strip().lower() == ("yes" if old.portal_access else "no")
    )
