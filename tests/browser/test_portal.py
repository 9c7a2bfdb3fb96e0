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
from frontdesk.db.models import OutboxMail, ParentAccount
from frontdesk.db.uow import Runtime
from frontdesk.security import Keyring
from frontdesk.services.password_reset import request_reset
from tests.browser.portal import HOOKED_JS, SCREEN_JS, Portal, browser_binary, serve_demo
from tests.factories import delivered_text

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


@pytest.fixture
def tab(browser: Any, portal: Portal) -> Iterator[Any]:
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


def reset_link(portal: Portal) -> tuple[str, str]:
    """A demo parent's email and the link of a reset mail just asked for."""
    runtime = Runtime(keyring=Keyring.from_file(portal.key_file, create=False), workstation="t")
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
    found = re.search(r"(/reset\?\S+)", text)
    assert found
    return email, portal.url + found.group(1)


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
    page.goto(link)
    page.locator("button").click()
    assert "This link has already been used" in page.inner_text("body")
    assert page.locator("#password").count() == 0
    # The page's link opens the parent screens on the sign-in screen; the temporary password
    # signs in there and the parent must choose a password of their own.
    page.goto(portal.url + "/?start=sign-in")
    screen = Screen(page)
    screen.wait_for("Sign in to the parent portal")
    screen.focus()
    screen.type(email)
    screen.wait_for(email)
    screen.press("Tab")
    screen.type(password)
    screen.press("Enter")
    text = screen.wait_for("Choose a new password")
    assert "You signed in with a temporary password" in text and password not in text
