"""The welcome screen (R1, R3): the district's logo, welcome and its three ways in."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual import events, on
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Button, Static

from frontdesk.district_settings import DistrictSettings, TextKey
from frontdesk.i18n import _
from frontdesk.services.kiosk import settings_if_changed
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.labels import DEFAULT_TEXTS


def district_text(settings: DistrictSettings, key: TextKey, language: str) -> str:
    """The district's wording (in ``language``, else its default language), else frontdesk's
    own wording translated into ``language``."""
    return settings.district_text(key, language) or _(DEFAULT_TEXTS[key])


COLUMN_WIDTH = 90
COLUMN_PADDING = 2
"""``.kiosk-column``'s width and side padding (kiosk.tcss): the room a logo has."""


class WelcomeScreen(KioskScreen[None]):
    """Where every parent starts, and where the kiosk returns when idle."""

    CARRIES_VISIT = True

    def compose_body(self) -> Iterable[Widget]:
        settings = self.kiosk.district
        language = self.kiosk.language
        with Vertical(id="welcome", classes="kiosk-column"):
            if settings.logo:
                fits = self.logo_fits(self.app.size.width)
                logo = Static(settings.logo, classes="logo", markup=False)
                logo.display = fits
                yield logo
                # Where the text-art logo would wrap into a jumble (a phone), the name instead.
                name = KioskLabel(settings.district_name, classes="title", id="district-name")
                name.display = not fits
                yield name
            yield KioskLabel(
                district_text(settings, TextKey.WELCOME_TITLE, language), classes="title"
            )
            yield KioskLabel(
                district_text(settings, TextKey.WELCOME_MESSAGE, language), classes="message"
            )
            # Opened from a letter's QR code (a web session): the code waits for the account.
            kept = KioskLabel(
                _(
                    "Your letter code is kept. Create your account, or sign in if you have "
                    "one: the code is then filled in for you."
                ),
                classes="message letter-kept",
                id="letter-kept",
            )
            kept.display = bool(self.kiosk.letter_code)
            yield kept
            for key, button_id in (
                (TextKey.NEW_ACCOUNT_BUTTON, "new-account"),
                (TextKey.ADD_CHILD_BUTTON, "add-child"),
                (TextKey.FORGOT_PASSWORD_BUTTON, "forgot-password"),
            ):
                yield Button(
                    district_text(settings, key, language),
                    id=button_id,
                    classes="choice",
                    variant="primary" if button_id == "new-account" else "default",
                )

    def logo_fits(self, columns: int) -> bool:
        """Whether the district's logo fits, unwrapped, in a screen ``columns`` wide."""
        widest = max((cell_len(line) for line in self.kiosk.district.logo.splitlines()), default=0)
        return widest <= min(COLUMN_WIDTH, columns) - 2 * COLUMN_PADDING

    def on_resize(self, event: events.Resize) -> None:
        fits = self.logo_fits(event.size.width)
        for logo in self.query(".logo"):
            logo.display = fits
        for name in self.query("#district-name"):
            name.display = not fits

    def on_screen_resume(self) -> None:
        # KioskScreen's own handler runs after this one (Textual calls each class's).
        waiting = bool(self.kiosk.letter_code)  # once signed in, the code is filled in
        for kept in self.query("#letter-kept"):
            if kept.display != waiting:
                kept.display = waiting
        self.check_settings()

    def check_settings(self) -> None:
        """Reload the district's settings if an administrator changed them meanwhile."""
        database, known = self.kiosk.database, self.kiosk.settings_version
        self.run_service(
            lambda: settings_if_changed(database, known),
            self._settings_checked,
            lambda _error: None,
            group="settings",
        )

    def _settings_checked(self, result: tuple[int, DistrictSettings | None]) -> None:
        version, settings = result
        if settings is None:
            return
        first = self.kiosk.settings_version == 0
        self.kiosk.settings_version = version
        self.kiosk.district = settings
        if not first:
            if self.kiosk.language not in settings.languages:
                self.kiosk.language = settings.default_language
            self.refresh(recompose=True)

    @on(Button.Pressed, "#new-account")
    def new_account(self) -> None:
        """R3a: make an account."""
        self.app.push_screen(self.kiosk.step("new-account"))

    @on(Button.Pressed, "#add-child")
    def sign_in(self) -> None:
        """R3b: sign in, then add a child."""
        self.app.push_screen(self.kiosk.step("sign-in"))

    @on(Button.Pressed, "#forgot-password")
    def forgot_password(self) -> None:
        """R3c: the password helper's screen (issue 6)."""
        self.app.push_screen(self.kiosk.new_screen("forgot-password"))
