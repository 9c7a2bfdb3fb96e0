"""The settings screen's "District" tab: the district's name and the kiosk's text-art logo."""

from __future__ import annotations

from textual.app import ComposeResult

from frontdesk import text
from frontdesk.i18n import _
from screens.admin.settings_tabs.controls import DraftInput, DraftTextArea
from screens.admin.settings_tabs.form import SettingsTab


class DistrictTab(SettingsTab):
    """The district's name and logo."""

    def compose(self) -> ComposeResult:
        draft = self.draft

        def name(value: str) -> None:
            draft.district_name = value

        def logo(value: str) -> None:
            draft.logo = value

        yield self.field(
            _("District name"),
            DraftInput(
                draft.district_name, name, id="set-district_name", max_length=text.DISTRICT_NAME
            ),
            "district_name",
        )
        yield self.field(
            _("Text-art logo (shown at the top of the kiosk)"),
            DraftTextArea(draft.logo, logo, id="set-logo"),
            "logo",
        )
