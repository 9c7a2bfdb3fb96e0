"""BaseApp: what the staff app and the kiosk share: the database, the district settings, the
language, who is signed in, the mail pass and when garbage is collected.

It imports no screen: each app names its own (``SCREEN_KINDS``), so the kiosk does not load
the staff side's screens at start (130 ms of imports on this machine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import events, on
from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen

from frontdesk.config import MailSettings
from frontdesk.db.engine import Database
from frontdesk.district_settings import DistrictSettings
from frontdesk.i18n import set_language
from frontdesk.services.sessions import StaffSession
from frontdesk.services.settings_form import read_settings
from screens.base import ScreenName
from screens.heap import IDLE_SECONDS, Heap
from screens.key_order import KeysInOrder
from screens.widgets.language_bar import LanguageBar

TOUCHES = (events.Key, events.MouseEvent, events.Paste)
"""What a person does at the keyboard or the mouse (the app is not idle)."""


class BaseApp(App[int]):
    """A frontdesk terminal application: the staff side's (``screens.app``) or the kiosk."""

    CSS_PATH = "app.tcss"
    TITLE = "frontdesk"
    # The palette's own strings are English only, and parents have no use for it.
    ENABLE_COMMAND_PALETTE = False

    language: reactive[str] = reactive("en", init=False)
    """The language every screen is shown in; switching it re-renders the screen."""

    SCREEN_KINDS: ClassVar[dict[ScreenName, Callable[..., Screen[Any]]]] = {}
    """The screens this app makes new each time, by name: screens open one another through
    ``new_screen``."""

    MAIL_INTERVAL = 30.0
    """Seconds between two delivery passes of the outbox."""

    IDLE_COLLECTION_SECONDS = IDLE_SECONDS
    """Seconds without a key or a click before the app collects its garbage (``screens.heap``)."""

    def __init__(
        self,
        database: Database,
        *,
        start: str = "start",
        notice: str = "",
        mail: MailSettings | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.mail = mail
        self.start = start
        self.notice = notice
        self.district: DistrictSettings = read_settings(database)
        self.staff: StaffSession | None = None
        self.heap = Heap(busy=self._serving)
        """When the garbage is collected: once nobody waits (``screens.heap``)."""
        self.keys = KeysInOrder(self, super().on_event)
        """Keys read one after another, as typed, however busy the machine."""
        self.set_reactive(BaseApp.language, self.district.default_language)
        set_language(self.district.default_language)

    def on_mount(self) -> None:
        # What start-up made (modules, classes, settings) lives as long as the app.
        self.heap.freeze()
        self.set_interval(
            self.IDLE_COLLECTION_SECONDS / 4, self._collect_if_idle, name="idle-collection"
        )
        self.push_screen(self.first_screen())
        if self.mail is not None:
            self.set_interval(self.MAIL_INTERVAL, self.deliver_mail)

    def first_screen(self) -> Screen[Any]:
        """The screen the app opens on."""
        raise NotImplementedError

    def new_screen(self, name: ScreenName, *args: Any) -> Screen[Any]:
        """A new screen of the kind registered as ``name``, made with ``args``."""
        return self.SCREEN_KINDS[name](*args)

    def deliver_mail(self) -> None:
        """Run one delivery pass of the outbox in a thread (E1); errors stay in the outbox."""
        from frontdesk.mail.delivery import Deliverer

        if self.mail is None or any(w.group == "mail" for w in self.workers if w.is_running):
            return
        deliverer = Deliverer(self.database, self.mail)
        self.run_worker(deliverer.deliver_due, thread=True, exit_on_error=False, group="mail")

    def on_unmount(self) -> None:
        self.heap.release()  # what this app set aside is an ordinary object again once it ends

    # --- garbage, collected when nobody waits (screens.heap) -----------------------------------

    def settle_heap(self) -> None:
        """Warm-up is done (the desk's search snapshot and kept screens, the kiosk's steps built
        ahead): what it made lives as long as the app, so automatic collections stop walking
        it. Cheap; its garbage waits for the next idle collection."""
        self.heap.freeze()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, TOUCHES):
            self.heap.touched()
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.keys.key(event)  # read in the order typed (screens.key_order)
            return
        await super().on_event(event)

    def _collect_if_idle(self) -> None:
        self.heap.collect_if_idle(self.IDLE_COLLECTION_SECONDS)

    def _serving(self) -> bool:
        """Whether a service call is in flight (someone may be waiting for its answer)."""
        return any(w.is_running and w.group != "mail" for w in self.workers)

    def watch_language(self, language: str) -> None:
        set_language(language)
        self.screen.refresh(recompose=True)
        self.refresh_bindings()

    @on(LanguageBar.Chosen)
    def _language_chosen(self, event: LanguageBar.Chosen) -> None:
        self.language = event.language
