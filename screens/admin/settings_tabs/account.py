"""The settings screen's "Account form" tab: what the parent's account form requires (R4, R5)
and the district's own questions on it."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from frontdesk import text
from frontdesk.district_settings import AccountField
from frontdesk.i18n import N_, _, language_name
from frontdesk.services.settings_form import ExtraFieldDraft
from screens.admin.settings_tabs.controls import DraftCheckbox, DraftInput
from screens.admin.settings_tabs.form import SettingsTab

ACCOUNT_FIELD_LABELS = {
    AccountField.PHONE: N_("Phone"),
    AccountField.ADDRESS: N_("Address"),
    AccountField.RELATIONSHIP: N_("Relationship to the student"),
}
EMAIL_ON_RECORD = N_(
    "The account email must be on a student's record (R5): a contact email the school has"
)


class RemoveQuestion(Button):
    """Removes the district question at ``index``."""

    def __init__(self, index: int) -> None:
        super().__init__(_("Remove"), id=f"xf-{index}-remove", variant="error")
        self.index = index


class AccountTab(SettingsTab):
    """Required parts of the account form, the email rule, and the district's questions."""

    def compose(self) -> ComposeResult:
        draft = self.draft
        yield self.field(
            _("Required on the account form (name and email always are)"),
            Horizontal(
                *(
                    DraftCheckbox(
                        _(ACCOUNT_FIELD_LABELS[field]),
                        field in draft.required_account_fields,
                        partial(draft.require_account_field, field),
                        id=f"acct-{field.value}",
                    )
                    for field in AccountField
                ),
                classes="choices",
            ),
            "required_account_fields",
        )
        yield DraftCheckbox(
            _(EMAIL_ON_RECORD),
            draft.email_must_be_on_record,
            partial(draft.set_switch, "email_must_be_on_record"),
            id="set-email_must_be_on_record",
        )
        yield Label(_("The district's own questions"), classes="subtitle")
        for index, extra in enumerate(draft.extra_fields):
            yield from self._question(index, extra)
        yield Button(_("Add a question"), id="xf-add")

    def _question(self, index: int, extra: ExtraFieldDraft) -> ComposeResult:
        path = f"extra_fields.{index}"
        with Vertical(classes="extra-field", id=f"xf-{index}"):
            with Horizontal(classes="extra-head"):
                yield self.field(
                    _("Key (letters, digits, _)"),
                    DraftInput(extra.key, extra.set_key, id=f"xf-{index}-key"),
                    f"{path}.key",
                )
                yield DraftCheckbox(
                    _("Required"), extra.required, extra.set_required, id=f"xf-{index}-required"
                )
                yield RemoveQuestion(index)
            for code in self.form.codes():
                yield self.field(
                    _("Question in {language}").format(language=language_name(code)),
                    DraftInput(
                        extra.labels.get(code, ""),
                        partial(extra.write_label, code),
                        id=f"xf-{index}-label-{code}",
                        max_length=text.QUESTION,
                    ),
                    f"{path}.labels.{code}",
                )

    @on(Button.Pressed, "#xf-add")
    def _add_question(self) -> None:
        self.draft.extra_fields.append(ExtraFieldDraft())
        self.post_message(self.Reshaped())

    @on(Button.Pressed, "RemoveQuestion")
    def _remove_question(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, RemoveQuestion)
        del self.draft.extra_fields[event.button.index]
        # The questions after it moved up: their messages would stand beside the wrong one.
        self.post_message(self.Reshaped(forget_errors=True))
