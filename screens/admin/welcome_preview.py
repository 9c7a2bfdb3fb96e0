"""The kiosk's welcome screen drawn from district settings: logo, title, message, buttons.

The settings screen shows it as a preview in each language; the kiosk can draw the real one
with it, so what the administrator sees is what parents see.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Static

from frontdesk.district_settings import DistrictSettings, TextKey
from frontdesk.i18n import gettext_in
from screens.labels import DEFAULT_TEXTS

BUTTONS = (TextKey.NEW_ACCOUNT_BUTTON, TextKey.ADD_CHILD_BUTTON, TextKey.FORGOT_PASSWORD_BUTTON)


def welcome_text(settings: DistrictSettings, key: TextKey, language: str) -> str:
    """What a parent reads for ``key`` in ``language``: the kiosk's rule (the district's words,
    else its default language's, else the kiosk's own wording), for any language at once."""
    return settings.district_text(key, language) or gettext_in(language, DEFAULT_TEXTS[key])


class WelcomePreview(Vertical):
    """The welcome screen of ``settings`` in ``language`` (drawn, not interactive)."""

    DEFAULT_CSS = """
    WelcomePreview { height: auto; border: round $primary; padding: 1 2; align-horizontal: center; }
    WelcomePreview > Static { width: 100%; content-align: center middle; }
    WelcomePreview > .preview-logo { color: $accent; }
    WelcomePreview > .preview-title { text-style: bold; margin: 1 0; }
    WelcomePreview > .preview-message { margin-bottom: 1; }
    WelcomePreview Center { height: auto; }
    WelcomePreview .preview-button { width: 40; border: tall $primary; content-align: center top; }
    """

    def __init__(self, settings: DistrictSettings, language: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.settings = settings
        self.language = language

    def compose(self) -> ComposeResult:
        settings, language = self.settings, self.language
        # markup=False: district text is shown as typed, brackets and all.
        yield Static(settings.logo, classes="preview-logo", markup=False)
        yield Static(
            welcome_text(settings, TextKey.WELCOME_TITLE, language),
            classes="preview-title",
            markup=False,
            id="preview-title",
        )
        yield Static(
            welcome_text(settings, TextKey.WELCOME_MESSAGE, language),
            classes="preview-message",
            markup=False,
            id="preview-message",
        )
        for key in BUTTONS:
            with Center():
                yield Static(
                    welcome_text(settings, key, language),
                    classes="preview-button",
                    markup=False,
                    id=f"preview-{key.value}",
                )

    def show(self, settings: DistrictSettings, language: str) -> None:
        """Draw ``settings`` in ``language`` instead."""
        self.settings = settings
        self.language = language
        self.refresh(recompose=True)
