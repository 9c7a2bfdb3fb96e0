"""The change-password fields the forced change (R17) and Preferences > Password (R18) share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, SecretStr
from textual.widget import Widget

from frontdesk.i18n import Msg, _
from frontdesk.services.passwords import PasswordChange
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.widgets.password_input import PasswordInput

# The service names the fields current/new/confirm; the screens' ids say what they are for.
FIELD_IDS = {
    "current": "current_password",
    "new": "new_password",
    "confirm": "confirm_password",
}


class PasswordDraft(BaseModel):
    """The change-password form as typed."""

    current_password: SecretStr = SecretStr("")
    new_password: SecretStr = SecretStr("")
    confirm_password: SecretStr = SecretStr("")

    def change(self) -> PasswordChange:
        """What the service takes."""
        return PasswordChange(
            current=self.current_password, new=self.new_password, confirm=self.confirm_password
        )


def screen_errors(fields: dict[str, Msg]) -> dict[str, Msg]:
    """The service's field errors, under the screens' field ids."""
    return {FIELD_IDS.get(name, name): message for name, message in fields.items()}


def compose_password_fields(
    screen: KioskScreen[Any], draft: PasswordDraft, current_label: str
) -> Iterable[Widget]:
    """The current (or temporary) password, the new one with what makes one acceptable under
    it, and the new one again."""

    def secret(name: str) -> PasswordInput:
        value: SecretStr = getattr(draft, name)
        return PasswordInput(value=value.get_secret_value(), id=name)

    yield screen.field(current_label, "current_password", secret("current_password"))
    yield screen.field(_("New password"), "new_password", secret("new_password"))
    yield KioskLabel(
        _(
            "Use at least {n} characters. Spaces and any characters are welcome; a few "
            "words you will remember make a good password. Common and leaked passwords, your "
            "name, and runs like abcd, qwerty or aaaa are refused."
        ).format(n=screen.kiosk.district.min_password_length),
        classes="hint",
    )
    yield screen.field(_("New password again"), "confirm_password", secret("confirm_password"))
