"""``frontdesk settings``: the district settings as a TOML file (export, import)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from frontdesk.cli.context import Commands, add_command, add_group, open_district, operator
from frontdesk.config import Settings


def cmd_settings_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the district settings to a TOML file."""
    from frontdesk.services.settings_file import export_settings

    with open_district(settings).read() as uow:
        text = export_settings(uow)
    Path(args.file).write_text(text, encoding="utf-8")
    print(f"district settings written to {args.file}")
    return 0


def cmd_settings_import(args: argparse.Namespace, settings: Settings) -> int:
    """Check a TOML settings file and, when it is right, make it the district's settings."""
    from frontdesk.services.settings_file import SettingsFileInvalid, import_settings

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"frontdesk: cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    try:
        with open_district(settings).write() as uow:
            changes = import_settings(uow, operator(), text)
    except SettingsFileInvalid as error:
        for problem in error.problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        print(f"frontdesk: {error.message}", file=sys.stderr)
        return 2
    if changes:
        print(f"district settings changed: {', '.join(sorted(changes))}")
    else:
        print("district settings unchanged")
    return 0


def register(commands: Commands) -> None:
    """Add ``settings export`` and ``settings import``."""
    district = add_group(
        commands,
        "settings",
        "District settings as a TOML file: export, import.",
        "District settings (Parent Registration, R19) as a TOML file.",
        dest="settings_command",
    )
    for name, func, summary in (
        ("export", cmd_settings_export, "Write the district settings to FILE.toml."),
        ("import", cmd_settings_import, "Check FILE.toml and make it the district settings."),
    ):
        add_command(district, name, func, summary).add_argument("file", metavar="FILE.toml")
