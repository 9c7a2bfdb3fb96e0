"""The settings screen's "Languages and texts" tab: the languages offered, the default one,
and the district's own wording of the kiosk's texts in each (R1)."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label

from frontdesk import text
from frontdesk.district_settings import DistrictSettings, TextKey, missing_texts
from frontdesk.i18n import N_, _, language_name
from screens.admin.settings_tabs.controls import DraftCheckbox, DraftSelect, DraftText
from screens.admin.settings_tabs.form import SettingsTab
from screens.admin.welcome_preview import welcome_text

TEXT_LABELS = {
    TextKey.WELCOME_TITLE: N_("Welcome title"),
    TextKey.WELCOME_MESSAGE: N_("Welcome message"),
    TextKey.NEW_ACCOUNT_BUTTON: N_("Button: new account"),
    TextKey.ADD_CHILD_BUTTON: N_("Button: add a child"),
    TextKey.FORGOT_PASSWORD_BUTTON: N_("Button: forgot password"),
}


class LanguagesTab(SettingsTab):
    """Languages offered, the default one, and the district's texts in each language."""

    def compose(self) -> ComposeResult:
        draft = self.draft
        codes = self.form.codes()

        def default_language(code: str) -> None:
            draft.default_language = code

        yield self.field(
            _("Languages offered to parents"),
            Horizontal(
                *(
                    DraftCheckbox(
                        language_name(code),
                        code in draft.languages,
                        partial(draft.offer_language, code),
                        id=f"lang-{code}",
                    )
                    for code in codes
                ),
                classes="choices",
            ),
            "languages",
        )
        yield self.field(
            _("Default language"),
            DraftSelect(
                [(language_name(code), code) for code in codes],
                draft.default_language,
                default_language,
                id="set-default_language",
            ),
            "default_language",
        )
        valid = draft.settings_or_none()
        settings = valid or self.form.stored
        default = language_name(draft.default_language)
        self._fallbacks: dict[tuple[str, TextKey], Label] = {}
        for code in codes:
            with Vertical(classes="language-texts", id=f"texts-{code}"):
                yield Label(language_name(code), classes="subtitle")
                for key in TextKey:
                    yield self.field(
                        _(TEXT_LABELS[key]),
                        DraftText(
                            draft.texts.get(code, {}).get(key, ""),
                            partial(draft.write_text, code, key),
                            placeholder=welcome_text(settings, key, code),
                            id=f"text-{code}-{key.value}",
                            max_length=text.DISTRICT_TEXT,
                        ),
                        f"texts.{code}.{key.value}",
                    )
                    fallback = Label(
                        _("Not translated: parents see the {language} text.").format(
                            language=default
                        ),
                        classes="fallback -hidden",
                        id=f"fallback-{code}-{key.value}",
                    )
                    self._fallbacks[code, key] = fallback
                    yield fallback
        self.follow(valid)

    def follow(self, settings: DistrictSettings | None) -> None:
        """Flag each text a language lacks that the default language has."""
        missing = missing_texts(settings) if settings is not None else {}
        for (code, key), label in self._fallbacks.items():
            label.set_class(key not in missing.get(code, []), "-hidden")
