"""W1 in a real browser: the parent screens served by ``frontdesk serve`` to a headless
Chromium, read back from xterm.js's buffer. Serial (one xdist group): each test runs its own
browser sessions against one server."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database, open_database
from frontdesk.db.models import LinkStatus, OutboxMail, ParentAccount, StudentLink
from frontdesk.db.uow import Runtime
from frontdesk.security import Keyring
from frontdesk.services.password_reset import request_reset
from tests.browser.portal import (
    HOOKED_JS,
    SCREEN_JS,
    Portal,
    browser_binary,
    serve_demo,
    serve_small_roster,
)
from tests.factories import JOSE, PASSWORD, delivered_text

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
BROWSER = browser_binary()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(BROWSER is None, reason="no chromium-headless-shell (apt) is installed"),
    pytest.mark.skipif(
        os.environ.get("FRONTDESK_TEST_DB") == "postgresql", reason="runs on the SQLite pass"
    ),
]


class Screen:
    """One browser tab on the portal, its terminal read as text."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def text(self) -> str:
        return str(self.page.evaluate(SCREEN_JS))

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        check = f"() => ({SCREEN_JS})().includes({json.dumps(text)})"
        try:
            self.page.wait_for_function(check, timeout=timeout * 1000)
        except Exception:
            raise AssertionError(f"{text!r} never showed; the screen:\n{self.text()}") from None
        return self.text()

    def focus(self) -> None:
        """Keys go to xterm.js's hidden text area, as when a person clicks the page."""
        self.page.locator(".xterm-helper-textarea").focus()

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        """Type ``text`` key by key where the app's cursor is."""
        self.page.keyboard.type(text, delay=20)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    yield from serve_demo(tmp_path_factory.mktemp("portal"), max_sessions=1)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """A district with José on its roster (``tests.factories.small_roster``)."""
    yield from serve_small_roster(tmp_path_factory.mktemp("school"), max_sessions=1)


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    """A new browser context (its own session), textual-serve's script hooked."""
    context = browser.new_context(viewport={"width": 1100, "height": 760})
    context.route(
        "**/static/js/textual.js",
        lambda route: route.fulfill(body=HOOKED_JS, content_type="application/javascript"),
    )
    yield context
    context.close()
    time.sleep(0.5)  # the server sees the websocket close and frees the session


def open_portal(context: Any, url: str) -> Screen:
    page = context.new_page()
    deadline = time.monotonic() + 15
    while True:  # the last test's session may take a moment to end
        response = page.goto(url)
        if response.status != 503 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    screen = Screen(page)
    return screen


def test_f12_does_nothing_on_the_web(tab: Any, portal: Portal) -> None:
    screen = open_portal(tab, portal.url)
    screen.wait_for("Español")
    screen.focus()
    screen.press("Tab")  # keys reach the app: the cursor moves to the next button
    screen.press("F12")
    time.sleep(1.5)
    text = screen.text()
    assert "PIN" not in text and "Parent Portal Registration" in text
    # The keys after F12 still reach the welcome screen: Enter on the button Tab moved to.
    screen.press("Enter")
    screen.wait_for("Sign in to the parent portal")


def test_past_max_sessions_the_busy_page(tab: Any, browser: Any, portal: Portal) -> None:
    first = open_portal(tab, portal.url)
    first.wait_for("Español")
    other = browser.new_context()
    try:
        page = other.new_page()
        response = page.goto(portal.url)
        assert response.status == 503
        assert "try again in a minute" in page.inner_text("body")
        assert page.evaluate("document.documentElement.lang") == "en"
    finally:
        other.close()


def test_a_page_that_finds_every_place_taken_says_busy(
    tab: Any, browser: Any, portal: Portal
) -> None:
    """The page loaded while a place was free; by the time its websocket opens, none is: its
    script (which opens the websocket) is held back until another tab has taken the place."""
    other = browser.new_context()
    try:
        held: list[Any] = []
        other.route("**/static/js/textual.js", lambda route: held.append(route))
        page = other.new_page()
        deadline = time.monotonic() + 15
        while True:  # the last test's session may take a moment to end
            response = page.goto(portal.url, wait_until="commit")
            if response.status != 503 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert response.status == 200
        for _wait in range(100):
            if held:
                break
            page.wait_for_timeout(100)
        first = open_portal(tab, portal.url)
        first.wait_for("Español")  # the one place is taken now
        held[0].fulfill(body=HOOKED_JS, content_type="application/javascript")
        page.wait_for_function(
            "() => document.body !== null && document.body.classList.contains('-busy')",
            timeout=15000,
        )
        shown = page.locator(".closed-dialog").inner_text()
        assert "try again in a minute" in shown and "This session has ended" not in shown
    finally:
        other.close()


def reset_link(portal: Portal) -> tuple[str, str]:
    """A demo parent's email and the link of a reset mail just asked for at a kiosk that
    names the server ``localhost`` (as the default portal URL does; the server listens on
    127.0.0.1)."""
    runtime = Runtime(
        keyring=Keyring.from_file(portal.key_file, create=False),
        workstation="t",
        portal_url=portal.url.replace("127.0.0.1", "localhost"),
    )
    database: Database = open_database(portal.database_url, runtime)
    try:
        with database.write() as uow:
            email = uow.session.scalars(select(ParentAccount.email).limit(1)).one()
            request_reset(uow, email, "en")
        with database.read() as uow:
            mail = uow.session.scalars(select(OutboxMail).order_by(OutboxMail.id.desc())).first()
            assert mail is not None
            text = delivered_text(database, mail)
    finally:
        database.dispose()
    found = re.search(r"(http://localhost:\d+/reset\?\S+)", text)
    assert found
    return email, found.group(1)


def test_the_reset_link_gives_a_temporary_password_once_and_the_way_to_sign_in(
    tab: Any, portal: Portal
) -> None:
    email, link = reset_link(portal)
    page = tab.new_page()
    response = page.goto(link)
    assert response.headers["cache-control"] == "no-store"
    assert page.locator("button").count() == 1
    page.locator("button").click()
    password = page.locator("#password").inner_text()
    assert len(password) >= 16
    # A second POST of the same link is refused, in the mail's language (the parent's).
    again = tab.new_page()
    again.goto(link)
    again.locator("button").click()
    assert "This link has already been used" in again.inner_text("body")
    assert again.locator("#password").count() == 0
    again.close()
    # The page's link opens the parent screens on the sign-in screen (a page from the mail's
    # address, which the websocket accepts); the temporary password signs in there and the
    # parent must choose a password of their own.
    page.locator("a.button").click()
    assert page.url.startswith(link.split("/reset")[0] + "/?start=sign-in")
    screen = Screen(page)
    screen.wait_for("Sign in to the parent portal")
    screen.focus()
    screen.type(email)
    screen.wait_for(email)
    # No pause after Tab: the kiosk moves the cursor as it reads the key, so the password's
    # first letter cannot overtake the move and land in the email (it once did).
    screen.press("Tab")
    screen.type(password)
    screen.wait_for("•" * len(password))
    screen.press("Enter")
    text = screen.wait_for("Choose a new password")
    assert "You signed in with a temporary password" in text and password not in text


def answer_human_check(screen: Screen, shown_at: float) -> None:
    """From the "I'm not a robot" box: tick it, answer the sum the screen asks (in Spanish),
    and send the form once a person could have filled it (the check's minimum time)."""
    screen.press("Space", "Tab")  # the sum's field scrolls into view
    text = screen.wait_for("¿Cuánto es")
    found = re.search(r"¿Cuánto es (\d+) más (\d+)\?", text)
    assert found, text
    screen.type(str(int(found.group(1)) + int(found.group(2))))
    time.sleep(max(0.0, shown_at + 3.5 - time.monotonic()))
    screen.press("Enter")


def type_fields(screen: Screen, *texts: str) -> None:
    """Type each text where the cursor is, then Enter (the next field), as a fast typist does:
    no pause for the screen, since the kiosk moves the cursor before it reads the next key."""
    for text in texts:
        screen.type(text)
        screen.press("Enter")


def test_a_parent_in_spanish_makes_an_account_and_adds_a_child(tab: Any, school: Portal) -> None:
    screen = open_portal(tab, school.url)
    screen.wait_for("Español")
    screen.focus()
    # The welcome screen's cursor is on "new account"; back twice is "Español" on the bar.
    screen.press("Shift+Tab", "Shift+Tab", "Enter")
    screen.wait_for("Inscripción en el portal para padres")
    screen.press("Enter")
    screen.wait_for("Correo electrónico")
    shown_at = time.monotonic()
    type_fields(screen, "María", "Nguyễn", "maria@example.org", "305 555 0101", "Madre")
    type_fields(screen, PASSWORD)
    screen.type(PASSWORD)
    screen.press("Tab", "Tab")  # past "Show password", to "I'm not a robot"
    answer_human_check(screen, shown_at)
    # The menu: its first choice adds a child.
    screen.wait_for("Quiero AGREGAR A UN HIJO")
    screen.press("Enter")
    screen.wait_for("Número de estudiante")
    shown_at = time.monotonic()
    birthdate = f"{JOSE.birthdate.day}/{JOSE.birthdate.month}/{JOSE.birthdate.year}"  # as in Spain
    type_fields(screen, "Jose", "O'Brien-Nguyen", JOSE.student_id, birthdate, JOSE.ssn_last4)
    answer_human_check(screen, shown_at)
    text = screen.wait_for("José O'Brien-Nguyễn")
    assert "En espera de que la escuela verifique" in text
    runtime = Runtime(keyring=Keyring.from_file(school.key_file, create=False), workstation="t")
    database = open_database(school.database_url, runtime)
    try:
        with database.read() as uow:
            parent = uow.session.scalars(select(ParentAccount)).one()
            assert (parent.email, parent.language) == ("maria@example.org", "es")
            link = uow.session.scalars(select(StudentLink)).one()
            assert link.status == LinkStatus.PENDING and link.parent_id == parent.id
    finally:
        database.dispose()
