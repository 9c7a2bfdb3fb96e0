"""What every tab of the settings screen shares: the form's state and the tab widget's base.

The state outlives the widgets: a language switch or an added question redraws the screen
from it without losing what was typed, and the messages beside the fields are kept as
msgids, so they show in the new language.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget

from frontdesk.district_settings import DistrictSettings
from frontdesk.i18n import Msg, _, shipped_languages
from frontdesk.services.settings_form import SettingsDraft
from screens.widgets.field import Field


def field_name(path: str) -> str:
    """The form field showing the setting at a dotted ``path`` (ids cannot hold dots)."""
    return path.replace(".", "-")


@dataclass
class SettingsForm:
    """The settings form as it stands: the draft, and the messages beside its fields."""

    draft: SettingsDraft
    stored: DistrictSettings
    """The district's settings as saved: what parents see while the draft is not valid."""
    errors: dict[str, list[Msg]] = dataclasses.field(default_factory=dict)
    """Messages by field name (``""``: a message with no field of its own)."""
    preview_language: str = ""
    """The language the preview was last asked for ("": the default language)."""

    def error_text(self, name: str) -> str:
        """The messages of the field ``name``, in the current language."""
        shown = " ".join(str(message) for message in self.errors.get(name, []))
        if name == "" and not shown and self.errors:
            return _("Please correct the fields marked in red.")
        return shown

    def preview_settings(self) -> DistrictSettings:
        """The draft's settings if it is valid, else the district's as saved."""
        return self.draft.settings_or_none() or self.stored

    def codes(self) -> list[str]:
        """The languages the form offers: those the district offers, in the order of the
        kiosk's language bar (with any listed that has no catalog, so saving never drops a
        language the form did not show), then every other shipped catalog."""
        offered = list(self.draft.languages)
        return offered + [c for c in shipped_languages() if c not in offered]


class SettingsTab(VerticalScroll):
    """One tab of the settings form, drawn from (and writing into) the shared form state."""

    class Reshaped(Message):
        """The form gained or lost fields (a question added or removed): draw it again."""

        def __init__(self, *, forget_errors: bool = False) -> None:
            super().__init__()
            self.forget_errors = forget_errors
            """The messages no longer match the fields (they moved): drop them."""

    def __init__(self, form: SettingsForm) -> None:
        super().__init__()
        self.form = form

    @property
    def draft(self) -> SettingsDraft:
        """The draft this tab edits."""
        return self.form.draft

    def field(self, label: str, control: Widget, path: str) -> Field:
        """``control`` under ``label``, with the message of the setting at ``path`` beside it."""
        name = field_name(path)
        return Field(label, control, name=name, error=self.form.error_text(name))

    def follow(self, settings: DistrictSettings | None) -> None:
        """Bring what this tab derives from the draft up to date; ``settings`` is what the
        draft stands for, ``None`` while it is not valid. Most tabs derive nothing."""
