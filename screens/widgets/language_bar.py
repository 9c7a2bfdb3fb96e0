"""The languages offered, along the top of a screen; each named in its own language (R2)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button

from frontdesk.i18n import language_name


class LanguageBar(Horizontal):
    """A row of language buttons; pressing one posts :class:`LanguageBar.Chosen`."""

    DEFAULT_CSS = """
    LanguageBar { height: 3; width: 100%; align-horizontal: right; background: $panel; }
    LanguageBar > Button { min-width: 12; margin: 0 1; border: none; height: 3; }
    LanguageBar > Button.-current { text-style: bold reverse; }
    """

    class Chosen(Message):
        """A language was chosen."""

        def __init__(self, language: str) -> None:
            super().__init__()
            self.language = language

    def __init__(self, languages: list[str], current: str) -> None:
        super().__init__(id="language-bar")
        self.languages = languages
        self.current = current

    def compose(self) -> ComposeResult:
        for code in self.languages:
            yield Button(
                language_name(code),
                id=f"lang-{code}",
                classes="-current" if code == self.current else "",
                compact=True,
            )

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        event.stop()
        assert event.button.id is not None
        self.post_message(self.Chosen(event.button.id.removeprefix("lang-")))
