"""Students' photos in the roster: the file a students.csv row names, read and stored."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from sqlalchemy import Connection, delete, insert, select

from frontdesk.db.models import Student, StudentPhoto
from frontdesk.i18n import Msg

MAX_PHOTO_BYTES: Final = 2 * 1024 * 1024
PHOTO_TYPES: Final = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def photo_content_type(photo: str | None) -> str:
    """The media type of a photo file, by its name."""
    return PHOTO_TYPES.get(Path(photo or "").suffix.lower(), "image/png")


def read_photo(folder: Path, relative: str) -> tuple[bytes | None, Msg | None]:
    """The bytes of the photo at ``relative`` in the roster ``folder``, or why not."""
    path = (folder / relative).resolve()
    if folder.resolve() not in path.parents:
        return None, Msg("the photo must be inside the roster folder")
    if path.suffix.lower() not in PHOTO_TYPES:
        return None, Msg("a photo must be a PNG or JPEG file")
    try:
        size = path.stat().st_size
        if size > MAX_PHOTO_BYTES:
            return None, Msg("the photo file is larger than 2 MB")
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, Msg("no photo file {path}", path=relative)
    except OSError:
        return None, Msg("the photo file {path} cannot be read", path=relative)


def store_photos(
    connection: Connection, photos: dict[str, tuple[str, bytes | None]], ids: dict[str, int]
) -> None:
    """Store, replace or drop the photos of a chunk's students (unchanged ones stay)."""
    missing = [n for n in photos if n not in ids]
    if missing:
        ids.update(
            {
                number: id_
                for id_, number in connection.execute(
                    select(Student.id, Student.student_number).where(
                        Student.student_number.in_(missing)
                    )
                )
            }
        )
    stored = {
        student_id: data
        for student_id, data in connection.execute(
            select(StudentPhoto.student_id, StudentPhoto.data).where(
                StudentPhoto.student_id.in_([ids[n] for n in photos])
            )
        )
    }
    for number, (content_type, data) in photos.items():
        student_id = ids[number]
        old = stored.get(student_id)
        if old == data:
            continue
        if old is not None:
            connection.execute(delete(StudentPhoto).where(StudentPhoto.student_id == student_id))
        if data is not None:
            connection.execute(
                insert(StudentPhoto).values(
                    student_id=student_id, content_type=content_type, data=data
                )
            )
