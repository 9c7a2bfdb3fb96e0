"""``frontdesk mail``: the outbox (status, retry)."""

from __future__ import annotations

import argparse

from frontdesk.cli.context import Commands, add_command, add_group, open_district
from frontdesk.config import Settings


def cmd_mail_status(args: argparse.Namespace, settings: Settings) -> int:
    """Print the outbox: mails by state, what is due, the oldest queued, the latest errors."""
    from frontdesk.mail.delivery import outbox_status

    with open_district(settings).read() as uow:
        status = outbox_status(uow)
    print(", ".join(f"{state}: {count}" for state, count in status.counts.items()))
    print(f"due now: {status.due_now}")
    oldest = status.oldest_queued.isoformat(timespec="seconds") if status.oldest_queued else "-"
    print(f"oldest queued: {oldest}")
    for failure in status.failures:
        print(
            f"mail {failure.id} {failure.message_id} ({failure.kind}), {failure.attempts} "
            f"attempts, next {failure.next_attempt_at.isoformat(timespec='seconds')}: "
            f"{failure.last_error}"
        )
    return 0


def cmd_mail_retry(args: argparse.Namespace, settings: Settings) -> int:
    """Deliver the queued mails that are due now (all of them with --all)."""
    from frontdesk.mail.delivery import Deliverer

    deliverer = Deliverer(open_district(settings), settings.mail)
    sent = failed = 0
    while True:  # a pass takes one batch; go on until a pass finds nothing more to do
        result = deliverer.deliver_due(everything=args.all)
        sent, failed = sent + result.sent, failed + result.failed
        if result.sent == 0 or (result.sent + result.failed) < deliverer.batch:
            break
    print(f"sent {sent}, failed {failed}")
    return 0 if failed == 0 else 1


def register(commands: Commands) -> None:
    """Add ``mail status`` and ``mail retry``."""
    mail = add_group(
        commands,
        "mail",
        "The outbox: status, retry.",
        "Outgoing mail commands.",
        dest="mail_command",
    )
    add_command(
        mail,
        "status",
        cmd_mail_status,
        "Show the outbox: counts, oldest queued mail, last errors.",
    )
    retry = add_command(mail, "retry", cmd_mail_retry, "Deliver the queued mails that are due now.")
    retry.add_argument(
        "--all", action="store_true", help="also the mails still waiting out a back-off"
    )
