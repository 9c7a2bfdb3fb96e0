"""How a workstation runs frontdesk: the staff side, the kiosk, and the way between them."""

from __future__ import annotations

import os

from frontdesk.config import MailSettings
from frontdesk.db.engine import Database
from screens.app import FrontdeskApp
from screens.kiosk_app import KioskApp
from screens.start import OPEN_KIOSK


def run_app(
    database: Database,
    *,
    start: str = "start",
    notice: str = "",
    mail: MailSettings | None = None,
) -> int:
    """Run the app until it quits; returns its exit code. With ``mail``, it delivers the outbox.

    The kiosk is an app of its own (locked down, K1); started from the start screen, the
    staff PIN that ends it brings the start screen back.
    """
    # With this set, Textual turns ctrl+c and ctrl+z into signals that would leave the kiosk.
    os.environ.pop("TEXTUAL_ALLOW_SIGNALS", None)
    if start == "kiosk":
        return KioskApp(database, mail=mail).run() or 0
    while True:
        result = FrontdeskApp(database, start=start, notice=notice, mail=mail).run()
        if result != OPEN_KIOSK:
            return result or 0
        KioskApp(database, mail=mail).run()


def run_web(database: Database, *, start: str = "", letter_code: str = "") -> int:
    """Run the parent screens for one browser session (``frontdesk serve``) until it ends;
    ``start="sign-in"`` opens it on the sign-in screen (the reset page's way there);
    ``start="letter"`` keeps ``letter_code`` (a letter's QR code) for the letter step.

    The server that started this process delivers the outbox; a session does not.
    """
    from screens.web_app import WebKioskApp

    return WebKioskApp(database, start_step=start, letter_code=letter_code).run() or 0
