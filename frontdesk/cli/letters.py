"""``frontdesk letters``: the letter codes of a school's guardians, as one PDF to post (L1)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from frontdesk.cli.context import Commands, add_command, open_district, operator
from frontdesk.config import Settings
from frontdesk.errors import DomainError


def cmd_letters(args: argparse.Namespace, settings: Settings) -> int:
    """Issue a letter code for each guardian of the school (one grade, or only those not
    linked yet) and write their letters, one page each, to the PDF ``--out``."""
    from frontdesk.services.letter_batch import LetterRun, print_letters

    out = Path(args.out)
    if out.is_dir():
        print(f"frontdesk: {out} is a folder; give the PDF's file name", file=sys.stderr)
        return 2
    run = LetterRun(
        school=args.school,
        grade=args.grade,
        only_unlinked=args.only_unlinked,
        public_url=args.public_url,
    )
    try:
        batch = print_letters(open_district(settings), operator(), run, out)
    except DomainError as error:
        print(f"frontdesk: {error.message.translate('en')}", file=sys.stderr)
        return 1
    if not batch.pages:
        print(f"{batch.school_name}: no guardian to write to; no letters issued")
        return 0
    print(
        f"{batch.school_name}: {batch.pages} letters issued and written to {batch.out}; "
        "each replaces the guardian's letter before it"
    )
    return 0


def register(commands: Commands) -> None:
    """Add ``letters``."""
    letters = add_command(
        commands,
        "letters",
        cmd_letters,
        "Issue letter codes for a school's guardians and write their letters to one PDF.",
        "Issue a letter code for each guardian with portal access of the school's enrolled "
        "students and write one page per guardian and student to a PDF, to post to the "
        "address the school has on record. A new letter replaces the guardian's letter "
        "before it. The codes are only in the PDF: keep it like the codes themselves.",
    )
    letters.add_argument("--school", required=True, metavar="ID", help="the SIS's school ID")
    letters.add_argument("--grade", metavar="G", help="only students in this grade")
    letters.add_argument(
        "--only-unlinked",
        action="store_true",
        help="leave out guardians whose account (the email on record) already has the "
        "student, approved or waiting",
    )
    letters.add_argument("--out", required=True, metavar="FILE", help="the PDF to write")
    letters.add_argument(
        "--public-url",
        metavar="URL",
        help="the parent portal's address in the QR codes (default: FRONTDESK_PORTAL_URL, "
        "as `frontdesk serve --public-url`)",
    )
