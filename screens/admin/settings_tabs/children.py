"""The settings screen's "Children and links" tab: what a parent gives to add a child (R9),
when a link shows the child's data (R10, R13), and what a letter code does (L1)."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from frontdesk.district_settings import Identifier
from frontdesk.i18n import N_, _
from frontdesk.services.settings_form import Switch
from screens.admin.settings_tabs.controls import DraftCheckbox, DraftInput
from screens.admin.settings_tabs.form import SettingsTab

IDENTIFIER_LABELS = {
    Identifier.FIRST_NAME: N_("Student first name"),
    Identifier.LAST_NAME: N_("Student last name"),
    Identifier.STUDENT_ID: N_("Student ID"),
    Identifier.BIRTHDATE: N_("Birthdate"),
    Identifier.SSN_LAST4: N_("Last 4 digits of SSN"),
}
SWITCHES: dict[Switch, str] = {
    "force_name_entry": N_("Force name entry: also ask for the student's first and last name"),
    "links_bypass_verification": N_(
        "Links go live at once, without waiting for verification (not recommended)"
    ),
    "photo_id_visit_required": N_(
        "Parents must visit a school with a photo ID before they see student data"
    ),
}


class ChildrenTab(SettingsTab):
    """The identifiers asked to add a child, and the rules a link follows."""

    def compose(self) -> ComposeResult:
        draft = self.draft
        yield self.field(
            _("Identifiers a parent must give to add a child (R9)"),
            Vertical(
                *(
                    DraftCheckbox(
                        _(IDENTIFIER_LABELS[identifier]),
                        identifier in draft.required_identifiers,
                        partial(draft.require_identifier, identifier),
                        id=f"ident-{identifier.value}",
                    )
                    for identifier in Identifier
                ),
                classes="choices-column",
            ),
            "required_identifiers",
        )
        for switch, label in SWITCHES.items():
            yield DraftCheckbox(
                _(label),
                draft.switch(switch),
                partial(draft.set_switch, switch),
                id=f"set-{switch}",
            )
        yield Label(_("Letter codes"), classes="subtitle")
        yield DraftCheckbox(
            _("A letter code approves the link at once (off: the link waits for a clerk)"),
            draft.switch("letter_codes_approve_links"),
            partial(draft.set_switch, "letter_codes_approve_links"),
            id="set-letter_codes_approve_links",
        )
        yield self.field(
            _("Days a letter code stays valid after it is issued"),
            DraftInput(
                draft.number("letter_code_days"),
                partial(draft.set_number, "letter_code_days"),
                id="set-letter_code_days",
            ),
            "letter_code_days",
        )
