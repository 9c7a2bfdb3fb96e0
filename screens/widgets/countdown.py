"""The idle countdown a kiosk shows before it wipes the screen (K1)."""

from __future__ import annotations

from textual.widgets import Static

from frontdesk.i18n import ngettext


class IdleCountdown(Static):
    """ "This screen clears in N seconds": hidden until the last stretch of the idle time.

    It stands in the screen's flow between the content and the key hints (the content gives
    it the room): docked at the bottom, it would lie under the key hints, docked there too.
    """

    DEFAULT_CSS = """
    IdleCountdown {
        height: auto; width: 100%; padding: 1 2; display: none;
        background: $warning; color: $text; text-style: bold; content-align: center middle;
        text-align: center;
    }
    IdleCountdown.-shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__("", id="idle-countdown")

    def show_seconds(self, seconds: int | None) -> None:
        """Show ``seconds`` left, or hide the countdown (``None``)."""
        self.set_class(seconds is not None, "-shown")
        if seconds is not None:
            self.update(
                ngettext(
                    "No one is using this screen: it clears in {n} second. Press any key to stay.",
                    "No one is using this screen: it clears in {n} seconds. Press any key to stay.",
                    seconds,
                ).format(n=seconds)
            )
