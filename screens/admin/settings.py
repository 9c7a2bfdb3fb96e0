"""Parent Registration settings (R19): every district option on one screen, in tabs.

Each tab is a widget of its own (``screens/admin/settings_tabs``) over one typed draft
(:class:`frontdesk.services.settings_form.SettingsDraft`), which its controls write as they
change; a language switch or an added question redraws the screen from it without losing
what was typed. Saving is one service call, ``save_settings_draft``: it validates the draft
(its messages are shown beside the fields, in our words) and stores it, audited; kiosks pick
it up by the version.
"""

from __future__ import annotations

from functools import partial

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import (
    Checkbox,
    Footer,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from frontdesk.district_settings import DistrictSettings
from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import N_, Msg, _
from frontdesk.services.settings_form import (
    SettingsDraft,
    SettingsSaved,
    read_settings,
    save_settings_draft,
)
from screens.admin.settings_tabs.account import AccountTab
from screens.admin.settings_tabs.children import ChildrenTab
from screens.admin.settings_tabs.district import DistrictTab
from screens.admin.settings_tabs.form import SettingsForm, SettingsTab, field_name
from screens.admin.settings_tabs.languages import LanguagesTab
from screens.admin.settings_tabs.limits import LimitsTab
from screens.admin.settings_tabs.preview import PreviewTab
from screens.base import BaseScreen
from screens.widgets.field import Field

TABS: dict[str, tuple[str, type[SettingsTab]]] = {
    "district": (N_("District"), DistrictTab),
    "languages": (N_("Languages and texts"), LanguagesTab),
    "account": (N_("Account form"), AccountTab),
    "children": (N_("Children and links"), ChildrenTab),
    "limits": (N_("Security and limits"), LimitsTab),
    "preview": (N_("Preview"), PreviewTab),
}
"""Each tab's pane id (``tab-<key>``), title and widget, in the order shown."""


class SettingsScreen(BaseScreen[None]):
    """The district's Parent Registration settings, for administrators."""

    CSS_PATH = "settings.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.form: SettingsForm | None = None
        """The form's state; ``None`` until the settings are read."""
        self.active_tab = "tab-district"

    def compose(self) -> ComposeResult:
        yield Static(_("Parent Registration settings"), classes="title")
        form = self.form
        if form is None:
            yield Static(_("Loading…"), id="loading")
            yield Footer()
            return
        yield Static(form.error_text(""), id="form-error", markup=False)
        # Where the tabs' titles do not fit side by side (a narrow terminal, a long language),
        # the sections are chosen from this list instead of the tabs (settings.tcss).
        yield Select(
            [(_(title), f"tab-{key}") for key, (title, _tab) in TABS.items()],
            value=self.active_tab,
            allow_blank=False,
            id="section",
        )
        self._fold_tabs(self.app.size.width)
        with TabbedContent(id="tabs", initial=self.active_tab):
            for key, (title, tab) in TABS.items():
                with TabPane(_(title), id=f"tab-{key}"):
                    yield tab(form)
        yield Footer()

    async def recompose(self) -> None:
        """Draw the screen again from the form (read, a question added or removed, another
        language), then tell the new footer the keys: it shows none until told."""
        await super().recompose()
        self.refresh_bindings()

    # --- reading -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.run_service(partial(read_settings, self.frontdesk.database), self._loaded)

    def _loaded(self, settings: DistrictSettings) -> None:
        self.frontdesk.district = settings
        self.form = SettingsForm(SettingsDraft.of(settings), settings)
        self.refresh(recompose=True)

    # --- the draft changes -------------------------------------------------------------------

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        """A control wrote the draft (or the preview's language changed): the tabs' hints
        follow it, with the draft validated once for all of them."""
        if self.form is None:
            return
        settings = self.form.draft.settings_or_none()
        for tab in self.query(SettingsTab):
            if tab.is_mounted:  # a redraw may be under way: a new tab follows as it is drawn
                tab.follow(settings)

    @on(SettingsTab.Reshaped)
    def _reshaped(self, event: SettingsTab.Reshaped) -> None:
        if self.form is not None and event.forget_errors:
            self.form.errors = {}
        self.refresh(recompose=True)

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        self.active_tab = event.pane.id or self.active_tab
        self.query_one("#section", Select).value = self.active_tab

    @on(Select.Changed, "#section")
    def _section_chosen(self, event: Select.Changed) -> None:
        self.query_one("#tabs", TabbedContent).active = str(event.value)

    # --- the tabs or the list of sections ----------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._fold_tabs(event.size.width)

    def _fold_tabs(self, width: int) -> None:
        """Choose the sections from a list when the tabs' titles (each with its padding) are
        wider than the screen: a tab out of sight is a tab nobody finds."""
        titles = sum(cell_len(_(title)) + 2 for title, _tab in TABS.values())
        self.set_class(titles > width, "-folded")

    # --- saving ------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Validate the draft and save it (audited; kiosks follow the new version)."""
        if self.form is None:
            return
        session = self.frontdesk.staff
        assert session is not None
        # A copy: the draft goes on changing here while the service reads it in its thread.
        draft = self.form.draft.model_copy(deep=True)
        self.run_service(
            partial(save_settings_draft, self.frontdesk.database, session, draft),
            self._saved,
            self._refused,
        )

    def _saved(self, saved: SettingsSaved) -> None:
        self._show_errors({})
        self.frontdesk.district = saved.settings
        if self.form is not None:
            self.form.stored = saved.settings
        if saved.changes:
            self.notify(_("Settings saved. Kiosks use them from now on."))
        else:
            self.notify(_("Nothing has changed."))

    def _refused(self, error: DomainError) -> None:
        if isinstance(error, FieldErrors):
            self._show_errors(error.fields)
            return
        self._show_errors({})
        self.query_one("#form-error", Static).update(str(error.message))

    def _show_errors(self, by_path: dict[str, Msg]) -> None:
        """Put each message beside its field; one without a field goes above the tabs."""
        form = self.form
        assert form is not None
        form.errors = {}
        shown = {f.field_name: f for f in self.query(Field)}
        for path, message in by_path.items():
            name = field_name(path)
            form.errors.setdefault(name if name in shown else "", []).append(message)
        for name, field in shown.items():
            field.show_error(form.error_text(name))
        self.query_one("#form-error", Static).update(form.error_text(""))
        first = next((shown[name] for name in form.errors if name in shown), None)
        pane = next((a for a in first.ancestors if isinstance(a, TabPane)), None) if first else None
        if pane is not None and pane.id:
            self.query_one("#tabs", TabbedContent).active = pane.id

    def action_back(self) -> None:
        """Back to the desk's home."""
        self.dismiss(None)
