"""Parent Registration settings (R19): every district option on one screen, in tabs.

The form's state is a plain dict shaped like ``DistrictSettings`` (the draft), updated on every
change, so a language switch or an added question redraws the screen without losing what was
typed. Saving validates the draft with the pydantic model (messages beside the fields, in our
words) and stores it with ``save_settings``: audited, and kiosks pick it up by the version.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from frontdesk import text
from frontdesk.db.models import StaffRole
from frontdesk.district_settings import (
    LINK_GUESS_YEARS_GOAL,
    WEAK_PASSWORD_LENGTH,
    AccountField,
    DistrictSettings,
    Identifier,
    RateLimits,
    TextKey,
    missing_texts,
    settings_problems,
)
from frontdesk.errors import DomainError
from frontdesk.i18n import N_, Msg, _, format_number, language_name, shipped_languages
from frontdesk.services.audit import Actor
from frontdesk.services.district import load_settings, save_settings
from frontdesk.services.sessions import current_staff
from screens.admin.welcome_preview import WelcomePreview, welcome_text
from screens.base import BaseScreen
from screens.widgets.field import Field

TEXT_LABELS = {
    TextKey.WELCOME_TITLE: N_("Welcome title"),
    TextKey.WELCOME_MESSAGE: N_("Welcome message"),
    TextKey.NEW_ACCOUNT_BUTTON: N_("Button: new account"),
    TextKey.ADD_CHILD_BUTTON: N_("Button: add a child"),
    TextKey.FORGOT_PASSWORD_BUTTON: N_("Button: forgot password"),
}
ACCOUNT_FIELD_LABELS = {
    AccountField.PHONE: N_("Phone"),
    AccountField.ADDRESS: N_("Address"),
    AccountField.RELATIONSHIP: N_("Relationship to the student"),
}
IDENTIFIER_LABELS = {
    Identifier.FIRST_NAME: N_("Student first name"),
    Identifier.LAST_NAME: N_("Student last name"),
    Identifier.STUDENT_ID: N_("Student ID"),
    Identifier.BIRTHDATE: N_("Birthdate"),
    Identifier.SSN_LAST4: N_("Last 4 digits of SSN"),
}
RATE_LIMIT_LABELS = {
    "window_minutes": N_("Counting window (minutes)"),
    "link_failures_per_parent": N_("Failed child links per parent"),
    "link_failures_per_student": N_("Failed child links per student"),
    "link_failures_per_student_per_day": N_("Failed child links per student in 24 hours"),
    "link_failures_per_workstation": N_("Failed child links per kiosk"),
    "accounts_per_workstation": N_("New accounts per kiosk"),
    "signin_failures_per_account": N_("Failed sign-ins before an account locks"),
    "signin_failures_per_workstation": N_("Failed sign-ins per kiosk"),
    "reset_requests_per_account": N_("Password reset requests per account"),
    "reset_requests_per_workstation": N_("Password reset requests per kiosk"),
    "reset_code_attempts": N_("Attempts at a reset code"),
    "email_answers_per_workstation": N_(
        "Sign-up answers 'already exists' or 'not on record' per kiosk"
    ),
}
NUMBERS = {
    "kiosk_idle_seconds": N_("Kiosk idle time before it starts over (seconds)"),
    "reset_link_minutes": N_("Password reset link lifetime (minutes)"),
    "min_password_length": N_("Minimum password length"),
}
SWITCHES = {
    "email_must_be_on_record": N_(
        "The account email must be on a student's record (R5): a contact email the school has"
    ),
    "force_name_entry": N_("Force name entry: also ask for the student's first and last name"),
    "links_bypass_verification": N_(
        "Links go live at once, without waiting for verification (not recommended)"
    ),
    "photo_id_visit_required": N_(
        "Parents must visit a school with a photo ID before they see student data"
    ),
}
TABS = {
    "district": N_("District"),
    "languages": N_("Languages and texts"),
    "account": N_("Account form"),
    "children": N_("Children and links"),
    "limits": N_("Security and limits"),
    "preview": N_("Preview"),
}


def field_name(path: str) -> str:
    """The form field showing the setting at a dotted ``path`` (ids cannot hold dots)."""
    return path.replace(".", "-")


class SettingsScreen(BaseScreen[None]):
    """The district's Parent Registration settings, for administrators."""

    CSS_PATH = "settings.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.draft: dict[str, Any] | None = None
        self.errors: dict[str, list[Msg]] = {}
        """Messages beside fields, by field name; kept across redraws and translated when
        shown, so a language switch shows them in the new language. ``""``: no field."""
        self.active_tab = "tab-district"
        self.preview_language = ""

    # --- drawing ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_("Parent Registration settings"), classes="title")
        if self.draft is None:
            yield Static(_("Loading…"), id="loading")
            yield Footer()
            return
        yield Static(self._error_text(""), id="form-error", markup=False)
        with TabbedContent(id="tabs", initial=self.active_tab):
            for key, title in TABS.items():
                with TabPane(_(title), id=f"tab-{key}"), VerticalScroll():
                    yield from getattr(self, f"_tab_{key}")()
        yield Footer()

    def _field(self, label: str, control: Widget, path: str) -> Field:
        name = field_name(path)
        return Field(label, control, name=name, error=self._error_text(name))

    def _tab_district(self) -> ComposeResult:
        draft = self._draft
        yield self._field(
            _("District name"),
            Input(draft["district_name"], id="set-district_name", max_length=text.DISTRICT_NAME),
            "district_name",
        )
        yield self._field(
            _("Text-art logo (shown at the top of the kiosk)"),
            TextArea(draft["logo"], id="set-logo", soft_wrap=False),
            "logo",
        )

    def _tab_languages(self) -> ComposeResult:
        draft = self._draft
        offered = draft["languages"]
        yield self._field(
            _("Languages offered to parents"),
            Horizontal(
                *(
                    Checkbox(language_name(code), code in offered, id=f"lang-{code}")
                    for code in self._codes()
                ),
                classes="choices",
            ),
            "languages",
        )
        yield self._field(
            _("Default language"),
            Select(
                [(language_name(code), code) for code in self._codes()],
                value=draft["default_language"],
                allow_blank=False,
                id="set-default_language",
            ),
            "default_language",
        )
        missing = self._missing_texts()
        default = language_name(draft["default_language"])
        for code in self._codes():
            with Vertical(classes="language-texts", id=f"texts-{code}"):
                yield Label(language_name(code), classes="subtitle")
                for key in TextKey:
                    value = draft["texts"].get(code, {}).get(key.value, "")
                    yield self._field(
                        _(TEXT_LABELS[key]),
                        Input(
                            value,
                            placeholder=welcome_text(self._preview_settings(), key, code),
                            id=f"text-{code}-{key.value}",
                            max_length=text.DISTRICT_TEXT,
                        ),
                        f"texts.{code}.{key.value}",
                    )
                    yield Label(
                        _("Not translated: parents see the {language} text.").format(
                            language=default
                        ),
                        classes="fallback",
                        id=f"fallback-{code}-{key.value}",
                    ).set_class(key not in missing.get(code, []), "-hidden")

    def _tab_account(self) -> ComposeResult:
        draft = self._draft
        yield self._field(
            _("Required on the account form (name and email always are)"),
            Horizontal(
                *(
                    Checkbox(
                        _(ACCOUNT_FIELD_LABELS[field]),
                        field.value in draft["required_account_fields"],
                        id=f"acct-{field.value}",
                    )
                    for field in AccountField
                ),
                classes="choices",
            ),
            "required_account_fields",
        )
        yield Checkbox(
            _(SWITCHES["email_must_be_on_record"]),
            draft["email_must_be_on_record"],
            id="set-email_must_be_on_record",
        )
        yield Label(_("The district's own questions"), classes="subtitle")
        for index, extra in enumerate(draft["extra_fields"]):
            with Vertical(classes="extra-field", id=f"xf-{index}"):
                with Horizontal(classes="extra-head"):
                    yield self._field(
                        _("Key (letters, digits, _)"),
                        Input(extra.get("key", ""), id=f"xf-{index}-key"),
                        f"extra_fields.{index}.key",
                    )
                    yield Checkbox(
                        _("Required"), extra.get("required", False), id=f"xf-{index}-required"
                    )
                    yield Button(_("Remove"), id=f"xf-{index}-remove", variant="error")
                for code in self._codes():
                    yield self._field(
                        _("Question in {language}").format(language=language_name(code)),
                        Input(
                            extra.get("labels", {}).get(code, ""),
                            id=f"xf-{index}-label-{code}",
                            max_length=text.QUESTION,
                        ),
                        f"extra_fields.{index}.labels.{code}",
                    )
        yield Button(_("Add a question"), id="xf-add")

    def _tab_children(self) -> ComposeResult:
        draft = self._draft
        yield self._field(
            _("Identifiers a parent must give to add a child (R9)"),
            Vertical(
                *(
                    Checkbox(
                        _(IDENTIFIER_LABELS[identifier]),
                        identifier.value in draft["required_identifiers"],
                        id=f"ident-{identifier.value}",
                    )
                    for identifier in Identifier
                ),
                classes="choices-column",
            ),
            "required_identifiers",
        )
        for key in ("force_name_entry", "links_bypass_verification", "photo_id_visit_required"):
            yield Checkbox(_(SWITCHES[key]), draft[key], id=f"set-{key}")

    def _tab_limits(self) -> ComposeResult:
        draft = self._draft
        for key, label in NUMBERS.items():
            yield self._field(_(label), Input(str(draft[key]), id=f"set-{key}"), key)
        yield Label("", id="password-warning", classes="warning")
        yield Label(_("Rate limits"), classes="subtitle")
        # Every limit the model has, so a new one is never left off the form (the label list
        # is checked by a test; a missing one shows the setting's name meanwhile).
        for key in RateLimits.model_fields:
            label = RATE_LIMIT_LABELS.get(key, key)
            yield self._field(
                _(label),
                Input(str(draft["rate_limits"][key]), id=f"rl-{key}"),
                f"rate_limits.{key}",
            )
        yield Label("", id="guess-warning", classes="warning")

    def _tab_preview(self) -> ComposeResult:
        settings = self._preview_settings()
        language = self.preview_language
        if language not in settings.languages:
            language = settings.default_language
        yield Select(
            [(language_name(code), code) for code in settings.languages],
            value=language,
            allow_blank=False,
            id="preview-language",
        )
        yield Static("", id="preview-note")
        yield WelcomePreview(settings, language, id="preview")

    # --- the draft -------------------------------------------------------------------------

    @property
    def _draft(self) -> dict[str, Any]:
        assert self.draft is not None
        return self.draft

    def _codes(self) -> list[str]:
        """The languages the form offers: every shipped catalog, and any the district lists
        without one (so saving never drops a language the form did not show)."""
        shipped = list(shipped_languages())
        return shipped + [c for c in self._draft["languages"] if c not in shipped]

    def _preview_settings(self) -> DistrictSettings:
        """The draft if it is valid, else the district's settings as they are."""
        try:
            return DistrictSettings.model_validate(self._draft)
        except ValidationError:
            return self.frontdesk.district

    def _missing_texts(self) -> dict[str, list[TextKey]]:
        try:
            return missing_texts(DistrictSettings.model_validate(self._draft))
        except ValidationError:
            return {}

    def _collect(self) -> None:
        """Read every control into the draft."""
        draft = self._draft
        draft["district_name"] = self.query_one("#set-district_name", Input).value
        draft["logo"] = self.query_one("#set-logo", TextArea).text
        offered = [c for c in self._codes() if self.query_one(f"#lang-{c}", Checkbox).value]
        # Keep the district's order for languages still offered; new ones go last.
        draft["languages"] = [c for c in draft["languages"] if c in offered] + [
            c for c in offered if c not in draft["languages"]
        ]
        draft["default_language"] = self.query_one("#set-default_language", Select).value
        texts: dict[str, dict[str, str]] = {}
        for code in self._codes():
            for key in TextKey:
                value = self.query_one(f"#text-{code}-{key.value}", Input).value.strip()
                if value:
                    texts.setdefault(code, {})[key.value] = value
        draft["texts"] = texts
        draft["required_account_fields"] = [
            f.value for f in AccountField if self.query_one(f"#acct-{f.value}", Checkbox).value
        ]
        draft["required_identifiers"] = [
            i.value for i in Identifier if self.query_one(f"#ident-{i.value}", Checkbox).value
        ]
        for switch in SWITCHES:
            draft[switch] = self.query_one(f"#set-{switch}", Checkbox).value
        for number in NUMBERS:
            draft[number] = self.query_one(f"#set-{number}", Input).value.strip()
        draft["rate_limits"] = {
            limit: self.query_one(f"#rl-{limit}", Input).value.strip()
            for limit in RateLimits.model_fields
        }
        extras = []
        for index in range(len(draft["extra_fields"])):
            labels = {
                code: value
                for code in self._codes()
                if (value := self.query_one(f"#xf-{index}-label-{code}", Input).value.strip())
            }
            extras.append(
                {
                    "key": self.query_one(f"#xf-{index}-key", Input).value.strip(),
                    "labels": labels,
                    "required": self.query_one(f"#xf-{index}-required", Checkbox).value,
                }
            )
        draft["extra_fields"] = extras

    # --- events ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        def work() -> DistrictSettings:
            with self.frontdesk.database.read() as uow:
                return load_settings(uow)

        self.run_service(work, self._loaded)

    def _loaded(self, settings: DistrictSettings) -> None:
        self.frontdesk.district = settings
        self.draft = settings.model_dump(mode="json")
        self.refresh(recompose=True)

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _changed(self, event: Any) -> None:
        if self.draft is None:
            return
        if event.control.id == "preview-language":
            self.preview_language = str(event.value)
        try:
            self._collect()
            self._refresh_hints()
        except NoMatches:  # a redraw is under way: its controls are not all there yet
            return

    def _refresh_hints(self) -> None:
        """The preview, the fallback flags and the password warning follow the draft."""
        settings = self._preview_settings()
        missing = self._missing_texts()
        for code in self._codes():
            for key in TextKey:
                self.query_one(f"#fallback-{code}-{key.value}").set_class(
                    key not in missing.get(code, []), "-hidden"
                )
        warning = ""
        length = self._draft["min_password_length"]
        if str(length).isdigit() and int(length) < WEAK_PASSWORD_LENGTH:
            warning = _(
                "Below {n} characters passwords are easier to guess; {n} or more is "
                "recommended (never fewer than 8)."
            ).format(n=WEAK_PASSWORD_LENGTH)
        self.query_one("#password-warning", Label).update(warning)
        self.query_one("#guess-warning", Label).update(self._guess_warning())
        preview = self.query_one("#preview", WelcomePreview)
        language = self.preview_language
        if language not in settings.languages:
            language = settings.default_language
        valid = settings is not self.frontdesk.district or self._is_valid()
        self.query_one("#preview-note", Static).update(
            "" if valid else _("Fix the marked fields to see the preview of your changes.")
        )
        if preview.settings != settings or preview.language != language:
            preview.show(settings, language)

    def _guess_warning(self) -> str:
        """Said when the drafted limits let one child's last-4 SSN be guessed too soon."""
        try:
            years = RateLimits.model_validate(self._draft["rate_limits"]).link_guess_years()
        except ValueError:  # a limit not (yet) a number: its field says so
            return ""
        if years >= LINK_GUESS_YEARS_GOAL:
            return ""
        return _(
            "At these limits every last-4 SSN of one student can be tried in {years} years; "
            "{goal} years or more is recommended."
        ).format(years=format_number(round(years, 1)), goal=format_number(LINK_GUESS_YEARS_GOAL))

    def _is_valid(self) -> bool:
        try:
            DistrictSettings.model_validate(self._draft)
        except ValidationError:
            return False
        return True

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        self.active_tab = event.pane.id or self.active_tab

    @on(Button.Pressed, "#xf-add")
    def _add_question(self) -> None:
        self._collect()
        self._draft["extra_fields"].append({"key": "", "labels": {}, "required": False})
        self.refresh(recompose=True)

    @on(Button.Pressed, ".extra-head Button")
    def _remove_question(self, event: Button.Pressed) -> None:
        self._collect()
        index = int((event.button.id or "").split("-")[1])
        del self._draft["extra_fields"][index]
        self.errors = {}
        self.refresh(recompose=True)

    # --- saving ------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Validate the draft and save it (audited; kiosks follow the new version)."""
        if self.draft is None:
            return
        self._collect()
        try:
            settings = DistrictSettings.model_validate(self._draft)
        except ValidationError as error:
            self._show_errors(settings_problems(error))
            return
        self._show_errors({})
        session = self.frontdesk.staff
        assert session is not None

        def work() -> dict[str, Any]:
            with self.frontdesk.database.write() as uow:
                admin = current_staff(uow, session, StaffRole.ADMIN)
                return save_settings(uow, Actor.staff(admin), settings)

        def saved(changes: dict[str, Any]) -> None:
            self.frontdesk.district = settings
            if changes:
                self.notify(_("Settings saved. Kiosks use them from now on."))
            else:
                self.notify(_("Nothing has changed."))

        self.run_service(work, saved, self._refused)

    def _refused(self, error: DomainError) -> None:
        self.query_one("#form-error", Static).update(str(error.message))

    def _error_text(self, name: str) -> str:
        shown = " ".join(str(message) for message in self.errors.get(name, []))
        if name == "" and not shown and self.errors:
            return _("Please correct the fields marked in red.")
        return shown

    def _show_errors(self, by_path: dict[str, Msg]) -> None:
        """Put each message beside its field; one without a field goes above the tabs."""
        self.errors = {}
        shown = {f.field_name: f for f in self.query(Field)}
        for path, message in by_path.items():
            name = field_name(path)
            self.errors.setdefault(name if name in shown else "", []).append(message)
        for name, field in shown.items():
            field.show_error(self._error_text(name))
        self.query_one("#form-error", Static).update(self._error_text(""))
        if self.errors:
            first = next((shown[n] for n in self.errors if n in shown), None)
            pane = (
                next((a for a in first.ancestors if isinstance(a, TabPane)), None)
                if first
                else None
            )
            if pane is not None and pane.id:
                self.query_one("#tabs", TabbedContent).active = pane.id

    def action_back(self) -> None:
        """Back to the desk's home."""
        self.dismiss(None)
