"""The settings screen's "Languages and texts" tab: the languages offered, the default one,
and the district's own wording of the kiosk's texts in each (R1)."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, Label

from frontdesk import text
from frontdesk.district_settings import DistrictSettings, TextKey, missing_texts
from frontdesk.i18n import N_, _, language_name
from frontdesk.services.settings_form import SettingsDraft
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


class LanguageChoice(DraftCheckbox):
    """A language's check box: ticked, the kiosk offers it; Shift+arrows move it along the
    kiosk's language bar."""

    BINDINGS = [
        Binding("shift+left", "move(-1)", N_("Move left")),
        Binding("shift+right", "move(1)", N_("Move right")),
    ]

    class Moved(Message):
        """The language moved along the bar."""

    def __init__(self, code: str, draft: SettingsDraft) -> None:
        super().__init__(
            language_name(code),
            code in draft.languages,
            partial(draft.offer_language, code),
            id=f"lang-{code}",
        )
        self.code = code
        self.draft = draft

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only an offered language has a place in the bar to move from."""
        return self.value if action == "move" else True

    @on(Checkbox.Changed)
    def _follow_value(self) -> None:
        self.screen.refresh_bindings()  # the move keys come or go with the tick

    def action_move(self, step: int) -> None:
        """Move this language ``step`` places along the bar (the draft's order)."""
        if self.draft.move_language(self.code, step):
            self.post_message(self.Moved())


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
                *(LanguageChoice(code, draft) for code in codes),
                classes="choices",
                id="language-choices",
            ),
            "languages",
        )
        yield Label(
            _(
                "The kiosk shows the ticked languages in this order. Shift+← and Shift+→ "
                "move the language under the cursor."
            ),
            classes="hint",
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

    @on(Checkbox.Changed, "LanguageChoice")
    @on(LanguageChoice.Moved)
    def _arrange(self) -> None:
        """Show the languages in the order of the kiosk's bar: those offered first."""
        row = self.query_one("#language-choices", Horizontal)
        choices = {choice.code: choice for choice in row.query_children(LanguageChoice)}
        offered = [code for code in self.draft.languages if code in choices]
        order = offered + [code for code in choices if code not in offered]
        for place, code in enumerate(order):
            if row.children[place] is not choices[code]:
                row.move_child(choices[code], before=place)

    def follow(self, settings: DistrictSettings | None) -> None:
        """Flag each text a language lacks that the default language has."""
        missing = missing_texts(settings) if settings is not None else {}
        for (code, key), label in self._fallbacks.items():
            label.set_class(key not in missing.get(code, []), "-hidden")
