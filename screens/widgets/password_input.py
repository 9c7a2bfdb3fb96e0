"""An input for secrets that never lets them onto the clipboard."""

from __future__ import annotations

from textual.widgets import Input


class PasswordInput(Input):
    """``Input`` whose copy and cut do nothing while the text is hidden.

    Textual's own ``Input(password=True)`` still copies the real text; a kiosk's clipboard
    would then hand one parent's password to the next.
    """

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("password", True)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def action_copy(self) -> None:
        """Copy the selection, unless it is a hidden secret."""
        if not self.password:
            super().action_copy()

    def action_cut(self) -> None:
        """Cut the selection, unless it is a hidden secret."""
        if not self.password:
            super().action_cut()
