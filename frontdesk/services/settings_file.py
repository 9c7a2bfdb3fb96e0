"""District settings as a TOML file (R19): export for review, import with the same checks and
audit as the settings screen. ``frontdesk settings export|import FILE.toml``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

import tomli_w
from pydantic import ValidationError

from frontdesk import text as texts
from frontdesk.db.uow import UnitOfWork
from frontdesk.district_settings import DistrictSettings, settings_problems
from frontdesk.errors import DomainError
from frontdesk.i18n import Msg
from frontdesk.services.audit import Actor
from frontdesk.services.district import load_settings, save_settings

HEADER = (
    "# frontdesk district settings (Parent Registration, R19).\n"
    "# Edit, then: frontdesk settings import FILE.toml\n\n"
)


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with a settings file: the key, the line it is on, and what is wrong."""

    key: str
    line: int | None
    message: Msg

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.key}: {self.message}" if self.key else f"{where}{self.message}"


class SettingsFileInvalid(DomainError):
    """The settings file cannot be used; ``problems`` says where and why."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__(Msg("The settings file has mistakes; nothing was changed."))
        self.problems = problems


def export_settings(uow: UnitOfWork) -> str:
    """The district's settings as TOML text."""
    data = load_settings(uow).model_dump(mode="json")
    # TOML keeps sets as sorted lists, so the file reads the same on every export.
    for key in ("required_account_fields", "required_identifiers"):
        data[key] = sorted(data[key])
    return HEADER + tomli_w.dumps(data, multiline_strings=True)


def parse_settings(text: str) -> DistrictSettings:
    """Settings from TOML text, or :class:`SettingsFileInvalid` naming each key and line."""
    if len(text) > texts.SETTINGS_FILE:
        raise SettingsFileInvalid(
            [FileProblem("", None, Msg("This file is far too large to be a settings file."))]
        )
    try:
        data = tomllib.loads(text)
    except RecursionError:  # arrays or tables nested thousands deep
        raise SettingsFileInvalid(
            [FileProblem("", None, Msg("This file nests values too deeply to be a settings file."))]
        ) from None
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise SettingsFileInvalid(
            [
                FileProblem(
                    "",
                    int(line.group(1)) if line else None,
                    Msg("This is not valid TOML: {reason}", reason=str(error)),
                )
            ]
        ) from None
    try:
        return DistrictSettings.model_validate(data)
    except ValidationError as error:
        problems = [
            FileProblem(key, key_line(text, key), message)
            for key, message in settings_problems(error).items()
        ]
        raise SettingsFileInvalid(problems) from None


def import_settings(uow: UnitOfWork, actor: Actor, text: str) -> dict[str, Any]:
    """Validate and save settings from TOML text (audited like a screen change)."""
    return save_settings(uow, actor, parse_settings(text))


_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"]+)\s*=")


def key_line(text: str, dotted: str) -> int | None:
    """The line defining ``dotted`` (``rate_limits.window_minutes``, ``extra_fields.1.key``),
    else the line of its nearest table; ``None`` when neither is in the file."""
    parts = dotted.split(".") if dotted else []
    table: list[str] = []
    counts: dict[str, int] = {}
    best: tuple[int, int] | None = None  # (how many parts matched, line)
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE.match(line)
        if header:
            name = header.group(1).replace('"', "").split(".")
            if line.strip().startswith("[["):
                counted = ".".join(name)
                index = counts.get(counted, -1) + 1
                counts[counted] = index
                name = [*name, str(index)]
            table = name
            if parts[: len(table)] == table and (best is None or len(table) > best[0]):
                best = (len(table), number)
            continue
        key = _KEY.match(line)
        if key:
            path = [*table, key.group(1).strip('"')]
            if parts[: len(path)] == path and (best is None or len(path) > best[0]):
                best = (len(path), number)
    return best[1] if best else None
