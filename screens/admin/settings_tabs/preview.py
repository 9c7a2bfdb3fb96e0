"""The settings screen's "Preview" tab: the kiosk's welcome screen as the draft would draw it,
in the language chosen, so what the administrator sees is what parents will see."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Select, Static

from frontdesk.district_settings import DistrictSettings
from frontdesk.i18n import _, language_name
from screens.admin.settings_tabs.form import SettingsTab
from screens.admin.welcome_preview import WelcomePreview


class PreviewTab(SettingsTab):
    """The welcome screen of the draft (of the saved settings while the draft is not valid)."""

    def compose(self) -> ComposeResult:
        valid = self.draft.settings_or_none()
        settings = valid or self.form.stored
        language = self._language(settings)
        yield Select(
            [(language_name(code), code) for code in settings.languages],
            value=language,
            allow_blank=False,
            id="preview-language",
        )
        self._note = Static(self._note_text(valid), id="preview-note")
        yield self._note
        self._preview = WelcomePreview(settings, language, id="preview")
        yield self._preview

    def _language(self, settings: DistrictSettings) -> str:
        language = self.form.preview_language
        return language if language in settings.languages else settings.default_language

    @staticmethod
    def _note_text(valid: DistrictSettings | None) -> str:
        if valid is not None:
            return ""
        return _("Fix the marked fields to see the preview of your changes.")

    @on(Select.Changed, "#preview-language")
    def _language_chosen(self, event: Select.Changed) -> None:
        # The screen, further up, then has every tab follow the form (this one included).
        self.form.preview_language = str(event.value)

    def follow(self, settings: DistrictSettings | None) -> None:
        """Draw the draft's welcome screen again if it or the language changed."""
        shown = settings or self.form.stored
        language = self._language(shown)
        self._note.update(self._note_text(settings))
        if self._preview.settings != shown or self._preview.language != language:
            self._preview.show(shown, language)
