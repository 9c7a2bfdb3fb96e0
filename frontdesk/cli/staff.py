"""``frontdesk staff``: staff accounts (add, list, disable)."""

from __future__ import annotations

import argparse
import getpass
import sys

from frontdesk.cli.context import Commands, add_command, add_group, open_district, operator
from frontdesk.config import Settings
from frontdesk.db.models import StaffRole
from frontdesk.errors import DomainError, FieldErrors


def cmd_staff_add(args: argparse.Namespace, settings: Settings) -> int:
    """Create a staff account; the password is asked for twice (or read from stdin)."""
    from frontdesk.services.staff import create_staff

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("The two passwords are not the same.", file=sys.stderr)
            return 2
    pin = getpass.getpass("Kiosk PIN (empty for none): ") if args.pin else None
    database = open_district(settings)
    try:
        with database.write() as uow:
            staff = create_staff(
                uow,
                operator(),
                username=args.username,
                display_name=args.name or args.username,
                role=StaffRole(args.role),
                password=password,
                school_codes=args.school or (),
                pin=pin or None,
            )
            print(f"staff account {staff.username!r} ({staff.role.value}) created")
    except FieldErrors as error:
        for name, message in error.fields.items():
            print(f"{name}: {message}", file=sys.stderr)
        return 2
    return 0


def cmd_staff_list(args: argparse.Namespace, settings: Settings) -> int:
    """Print every staff account: user name, role, schools, state."""
    from frontdesk.services.staff import list_staff

    with open_district(settings).read() as uow:
        accounts = list_staff(uow)
    for a in accounts:
        state = "active" if a.active else "disabled"
        if a.locked:
            state += ", locked"
        if a.must_change_password:
            state += ", must change password"
        schools = ",".join(a.school_codes) or "-"
        print(f"{a.username:<20} {a.role.value:<8} {schools:<20} {state}  {a.display_name}")
    return 0


def cmd_staff_disable(args: argparse.Namespace, settings: Settings) -> int:
    """Disable a staff account: it can no longer sign in and its sessions end."""
    from frontdesk.services.staff import set_staff_active, staff_by_username

    try:
        with open_district(settings).write() as uow:
            staff = staff_by_username(uow, args.username)
            set_staff_active(uow, operator(), staff.id, False)
    except DomainError as error:
        print(f"frontdesk: {error.message}", file=sys.stderr)
        return 2
    print(f"staff account {staff.username!r} disabled")
    return 0


def register(commands: Commands) -> None:
    """Add ``staff add``, ``staff list`` and ``staff disable``."""
    staff = add_group(
        commands,
        "staff",
        "Staff accounts: add, list, disable.",
        "Staff account commands.",
        dest="staff_command",
    )
    add = add_command(
        staff,
        "add",
        cmd_staff_add,
        "Create a staff account.",
        "Create a staff account (the first admin is made this way).",
    )
    add.add_argument("--role", choices=[r.value for r in StaffRole], required=True)
    add.add_argument("--username", required=True)
    add.add_argument("--name", help="display name")
    add.add_argument(
        "--school",
        action="append",
        metavar="CODE",
        help="a school the account serves (repeat for more)",
    )
    add.add_argument("--pin", action="store_true", help="also ask for a kiosk-exit PIN")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    add_command(staff, "list", cmd_staff_list, "List the staff accounts.")
    disable = add_command(staff, "disable", cmd_staff_disable, "Disable a staff account.")
    disable.add_argument("username", metavar="USERNAME")
