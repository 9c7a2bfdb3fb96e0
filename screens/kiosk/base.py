"""What every kiosk screen shares: the language bar, the idle countdown, and form state kept
in plain data so a language switch (a recompose) loses nothing typed (R2).

The kiosk keeps one of each screen on the registration path (``KioskApp.step``): building a
screen of some eighty widgets is most of the wait between two steps, so a screen is built
once and emptied instead when it leaves the stack or the kiosk is wiped. Everything a person
typed or was shown there lives in one ``Visit``, which ``reset`` replaces whole: the widgets
stay, and only what differs from the new, empty visit is touched (``show_draft``)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from typing import Any, ClassVar, Literal, Protocol, TypeVar, cast, final

from pydantic import SecretStr
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select

from frontdesk import text
from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import Msg, _, current_language
from frontdesk.services.kiosk import (
    HUMAN_FIELD,
    TYPED_DATE_LENGTH,
    HumanAnswer,
    HumanChallenge,
    date_example,
)
from frontdesk.services.sessions import ParentSession
from screens.base import BaseScreen, Host
from screens.kiosk.visit import HumanDraft, Visit
from screens.widgets.countdown import IdleCountdown
from screens.widgets.field import Field
from screens.widgets.key_footer import KeyFooter
from screens.widgets.language_bar import LanguageBar

T = TypeVar("T")

KioskStep = Literal[
    "welcome",
    "new-account",
    "sign-in",
    "menu",
    "add-child",
    "letter",
    "child-linked",
    "enrollment",
    "portal",
]
"""The registration path's screens, by the name the kiosk keeps them under (``KioskHost.step``)."""


class KioskHost(Host, Protocol):
    """What a kiosk screen may ask of the kiosk (``screens/kiosk_app.py``, which knows every
    kiosk screen: the screens reach one another through it by name)."""

    rng: random.Random
    human_seconds: float
    parent_session: ParentSession | None
    settings_version: int
    letter_code: str
    """The code of the letter whose QR code opened this session, until it is filled in on the
    letter step ("" for none: always at a lobby kiosk)."""

    def step(self, step: KioskStep, *, ahead: bool = False) -> KioskScreen[Any]:
        """The kept screen of ``step``, empty for a new visit."""
        ...

    def wipe(self) -> None:
        """Forget the parent and show the welcome screen afresh."""
        ...

    def signed_in(self) -> None:
        """The parent has just signed in or made the account: show what comes next."""
        ...


# The lengths the services accept (mostly the database's column sizes): an input stops there.
MAX_LENGTH = {**text.MAX_LENGTH, HUMAN_FIELD: 4}
EXTRA_MAX_LENGTH = text.EXTRA_ANSWER


class KioskScreen(BaseScreen[T], inherit_bindings=False):
    """A parent's screen: language bar on top, body, idle countdown and key hints below.

    ``visit`` holds what the parent typed and was shown; the widgets show it.
    """

    AUTO_FOCUS = ".kiosk-body *"
    """The cursor starts on the body's first field or choice, never on the language bar (the
    first focusable widget matching is taken, in the order the screen shows them)."""
    CARRIES_VISIT: ClassVar[bool] = False
    """Whether ``show_visit`` shows all of this screen's visit, so that a language switch may
    carry the visit to this step's kept screen in the new language instead of building this
    one again (``KioskApp.watch_language``)."""

    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (80, "-wide"),
    ]
    """Under 80 columns (a phone in a browser) the screen takes the narrow layout (kiosk.tcss)."""

    # Screen's own ctrl+c copies screen text; a kiosk keeps only moving between fields. The
    # moves are priority bindings, run as the app reads the key: a field's own bindings run
    # later, from its queue, so on a busy machine the keys typed after Enter or Tab landed in
    # the field just left (a browser test saw a Space reach the repeated password).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
        Binding("enter", "next_field", show=False, priority=True),
    ]

    visit: Visit

    def __init__(self, visit: Visit | None = None) -> None:
        super().__init__()
        self.visit = visit if visit is not None else self.new_visit()
        self.composed_language = ""
        """The language the widgets were built in ("" before they are)."""

    def new_visit(self) -> Visit:
        """A visit with nothing typed or shown yet (each screen makes its own kind)."""
        return Visit()

    @property
    def kiosk(self) -> KioskHost:
        """The kiosk, as its screens may use it."""
        return cast(KioskHost, self.app)

    def compose(self) -> ComposeResult:
        self.composed_language = current_language()
        yield LanguageBar(self.kiosk.district.languages, self.kiosk.language)
        with KioskBody(classes="kiosk-body"):
            message = self.visit.notice
            notice = KioskLabel(str(message) if message else "", id="form-notice")
            notice.display = message is not None
            yield notice
            yield from self.compose_body()
        yield IdleCountdown()
        yield KeyFooter()

    def compose_body(self) -> Iterable[Widget]:
        """The screen's own content."""
        return ()

    def focus_start(self) -> None:
        """Put the cursor where the parent acts first (see ``AUTO_FOCUS``)."""
        assert self.AUTO_FOCUS is not None
        start = next((w for w in self.query(self.AUTO_FOCUS) if w.focusable), None)
        self.set_focus(start)

    async def recompose(self) -> None:
        """Build the screen again (a language switch, data that arrived), the cursor back in
        the field it was in, or where the screen starts (never on the language bar)."""
        focused = self.focused
        kept = focused.id if focused is not None and focused.id else ""
        await super().recompose()
        again = self.query(f"#{kept}") if kept and not kept.startswith("lang-") else None
        if again and again.first().focusable:
            self.set_focus(again.first())
        else:
            self.focus_start()

    def on_screen_resume(self) -> None:
        if self.visit.shown_at is None:
            self.visit.shown_at = time.monotonic()
        if not self.follow_language():
            self.call_next(self.paint_now)  # the parent is waiting for this step

    def follow_language(self) -> bool:
        """Re-render in the kiosk's language if the screen was built in another one (a screen
        under the one where the language changed, or kept from an earlier visit); whether it
        does."""
        if self.composed_language and self.composed_language != self.kiosk.language:
            self.refresh(recompose=True)
            return True
        return False

    # --- a kept screen's next visit ---------------------------------------------------------

    def on_screen_suspend(self) -> None:
        # Once the next screen is drawn (the parent does not wait on this), see whether this
        # screen left the stack or was only covered by the next step.
        self.call_after_refresh(self.forget_if_left)

    def forget_if_left(self) -> None:
        """Forget the visit if this kept screen was shown and has left the stack, so nothing
        a parent typed or saw stays in memory for the next one; covered by the next step, it
        keeps it."""
        if (
            self.visit.shown_at is not None
            and self.app.is_screen_installed(self)
            and self not in self.app.screen_stack
        ):
            self.reset()

    @final
    def reset(self) -> None:
        """End the visit and make the widgets show the next, empty one (``show_draft``)."""
        self.end_visit()
        if self.composed:
            self.show_draft()

    @final
    def end_visit(self) -> None:
        """End the visit: a new, empty one replaces it whole, and what the last person typed
        and saw leaves memory with the old one (the widgets still show it)."""
        self.visit = self.new_visit()

    def show_visit(self) -> None:
        """Make the widgets show the visit as it stands, messages and all (a visit carried over
        from the same step in another language)."""
        errors, notice = self.visit.errors, self.visit.notice
        self.show_draft()
        self.show_field_errors(errors)
        self.show_notice(notice)

    @final
    def carry_visit_from(self, other: KioskScreen[Any]) -> None:
        """Go on with ``other``'s visit here (the same step, built in another language): the
        visit moves whole, and ``other`` starts a new one, its widgets emptied once this screen
        is drawn (``CARRIES_VISIT``)."""
        self.visit, other.visit = other.visit, other.new_visit()
        if self.composed:  # (a screen not built yet is built from its visit)
            self.show_visit()
        if other.composed:
            self.call_after_refresh(other.show_draft)

    @property
    def composed(self) -> bool:
        """Whether the screen's widgets exist (a kept screen is built on its first visit)."""
        return bool(self.composed_language) and self.is_mounted

    def show_draft(self) -> None:
        """Make the widgets show the visit, a new one: its draft in the form's widgets, no
        message, the buttons enabled, the cursor where the screen starts (screens that show
        more extend this).

        Only what differs is touched: every change restyles or re-lays out a widget, and this
        runs while the next step is being drawn."""
        draft = self.visit.draft
        for control in self.query(Input):
            typed = self.value(control.id or "")
            if control.value != typed:
                control.value = typed
        for box in self.query(Checkbox):
            ticked = bool(getattr(draft, box.id or "", False))
            if box.value != ticked:
                box.value = ticked
        for select in self.query(Select):
            chosen = getattr(draft, select.id or "", None)
            select.value = Select.NULL if chosen is None else chosen
        for button in self.query(Button):
            if button.disabled:
                button.disabled = False
        if self.query(".-invalid"):
            self.show_field_errors({})
        self.show_notice(None)
        self.show_human_question()
        self.focus_start()
        self.query_one(KioskBody).scroll_home(animate=False)

    # --- form state ---------------------------------------------------------------------------

    def fill(self, name: str, value: str) -> None:
        """Fill in draft field ``name`` on the empty form ``KioskHost.step`` gives (what the
        step before knows, such as the email a password was just reset for)."""
        setattr(self.visit.draft, name, value)
        if self.composed:
            self.query_one(f"#{name}", Input).value = value

    def value(self, name: str) -> str:
        """What the draft holds for ``name`` (secrets included), as text."""
        value: Any = getattr(self.visit.draft, name, "")
        if isinstance(value, SecretStr):
            return value.get_secret_value()
        return "" if value is None else str(value)

    def field(self, label: str, name: str, control: Widget | None = None) -> Field:
        """A labelled input for draft field ``name``, with its error beside it."""
        widget = control or Input(self.value(name), id=name, max_length=MAX_LENGTH.get(name, 0))
        error = self.visit.errors.get(name)
        return Field(label, widget, name=name, error=str(error) if error else "")

    def date_field(self, label: str, name: str) -> Field:
        """A date input with the chosen language's way of writing dates as its hint."""
        hint = _("for example {date}").format(date=date_example())
        return self.field(
            f"{label} ({hint})",
            name,
            Input(self.value(name), id=name, max_length=TYPED_DATE_LENGTH),
        )

    @on(Input.Changed)
    def _keep_typed(self, event: Input.Changed) -> None:
        name = event.input.id or ""
        draft = self.visit.draft
        if draft is None:
            return
        extra = getattr(draft, "extra", None)
        if name.startswith("extra-") and isinstance(extra, dict):
            extra[name.removeprefix("extra-")] = event.value
        elif name in type(draft).model_fields:
            current = getattr(draft, name)
            setattr(
                draft,
                name,
                SecretStr(event.value) if isinstance(current, SecretStr) else event.value,
            )

    def action_next_field(self) -> None:
        """Enter in a field moves the cursor to the next one, as a parent expects. Enter in the
        field that sends the form is left to that field, so that the screen hears of the keys
        typed before it (the draft follows each field's changes) before the form is sent."""
        field = self.focused
        if not isinstance(field, Input) or self.sends_form(field.id or ""):
            raise SkipAction()
        self.focus_next()

    @on(Input.Submitted)
    def _send(self, event: Input.Submitted) -> None:
        if self.sends_form(event.input.id or ""):
            self.submit()

    submit_on = HUMAN_FIELD
    """The input whose Enter sends the form."""

    def sends_form(self, input_id: str) -> bool:
        """Whether Enter in input ``input_id`` sends the form (else the cursor moves on)."""
        return input_id == self.submit_on

    def submit(self) -> None:
        """Send the form (screens with a form override this)."""

    @on(Checkbox.Changed)
    def _keep_ticked(self, event: Checkbox.Changed) -> None:
        name = event.checkbox.id or ""
        draft = self.visit.draft
        if draft is not None and name in type(draft).model_fields:
            setattr(draft, name, event.value)

    # --- errors ------------------------------------------------------------------------------

    def show_field_errors(self, errors: dict[str, Msg]) -> None:
        """Put each message beside its field (and clear the others), keeping what was typed."""
        # Services name extra fields "extra.<key>"; widget ids cannot hold a dot.
        shown = {name.replace(".", "-"): message for name, message in errors.items()}
        self.visit.errors = shown
        for widget in self.query(Field):
            message = shown.get(widget.field_name)
            widget.show_error(str(message) if message else "")
        first = next((f for f in self.query(Field) if f.field_name in shown), None)
        if first is not None:
            # Once the messages are laid out (a region measured now would be stale): after
            # the notice's scroll, so this one wins.
            self.call_after_refresh(self._go_to_error, first, self.visit)

    def _go_to_error(self, widget: Field, visit: Visit) -> None:
        """The cursor into ``widget``'s control and the field in view, at once: the parent
        looks there."""
        if not widget.is_attached or visit is not self.visit:
            return
        control = widget.control
        draft = self.visit.draft
        unticked = isinstance(draft, HumanDraft) and not draft.human_ticked
        if widget.field_name == HUMAN_FIELD and unticked:
            control = self.query_one("#human_ticked")  # "tick the box" is what to do first
        if control.focusable:
            self.set_focus(control, scroll_visible=False)
        widget.scroll_visible(animate=False, immediate=True)

    def show_notice(self, message: Msg | None) -> None:
        """Show (or clear) the message about the whole form."""
        self.visit.notice = message
        label = self.query_one("#form-notice", KioskLabel)
        label.update(str(message) if message else "")
        label.display = message is not None
        if message is not None:
            # The notice heads the form: once it is laid out, show the top.
            self.call_after_refresh(self._show_top)

    def _show_top(self) -> None:
        if self.is_attached:
            self.query_one(KioskBody).scroll_home(animate=False, immediate=True)

    def show_form_error(self, error: DomainError) -> None:
        """A service said no: beside the fields when it names them, else above the form."""
        if isinstance(error, FieldErrors):
            # A field this step does not show (the email, at the code step) says so above.
            shown = {widget.field_name for widget in self.query(Field)}
            elsewhere = [m for n, m in error.fields.items() if n.replace(".", "-") not in shown]
            self.show_notice(elsewhere[0] if elsewhere else error.message)
            self.show_field_errors(error.fields)
        else:
            self.show_field_errors({})
            self.show_notice(error.message)

    # --- the human check (R7) -------------------------------------------------------------------

    @property
    def challenge(self) -> HumanChallenge:
        """This visit's human-check question, drawn once and kept across language switches."""
        if self.visit.challenge is None:
            self.visit.challenge = HumanChallenge.new(self.kiosk.rng)
        return self.visit.challenge

    def compose_human_check(self) -> Iterable[Widget]:
        """The "I'm not a robot" box and its question."""
        challenge = self.challenge
        draft = self.visit.draft
        ticked = isinstance(draft, HumanDraft) and draft.human_ticked
        box = Checkbox(_("I'm not a robot"), ticked, id="human_ticked")
        yield Horizontal(box, classes="human-check")
        yield self.field(str(challenge.question()), HUMAN_FIELD)

    def show_human_question(self) -> None:
        """Put this visit's human-check question beside its answer field."""
        for widget in self.query(f"#field-{HUMAN_FIELD}").results(Field):
            widget.relabel(str(self.challenge.question()))

    def human_answer(self) -> HumanAnswer:
        """The human check as the person left it, for the service that judges it."""
        draft = self.visit.draft
        shown_at = self.visit.shown_at or time.monotonic()
        return HumanAnswer(
            challenge=self.challenge,
            ticked=isinstance(draft, HumanDraft) and draft.human_ticked,
            answer=draft.human_answer if isinstance(draft, HumanDraft) else "",
            seconds_on_form=time.monotonic() - shown_at,
            min_seconds=self.kiosk.human_seconds,
        )


class KioskBody(VerticalScroll, can_focus=False):
    """A screen's scrolling content. Not a stop of its own on the way through the fields with
    tab: each field scrolls into view as it takes the cursor."""


class KioskLabel(Label):
    """A paragraph of kiosk text (markup off: district texts and names are shown as typed)."""

    def __init__(self, text: str, *, classes: str = "", id: str | None = None) -> None:
        super().__init__(text, markup=False, classes=classes, id=id)
