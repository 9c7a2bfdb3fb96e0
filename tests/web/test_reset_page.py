"""R16, W1: the reset link's page over HTTP, on both databases: GET leaves the token alone,
POST redeems it once, each dead link gets its own answer in the mail's language, and every
answer carries the strict headers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import PasswordReset
from frontdesk.services.signin import sign_in_parent
from frontdesk.web.server import PortalServer
from frontdesk.web.settings import WebSettings
from tests.conftest import FakeClock
from tests.factories import register
from tests.services.test_passwords import EMAIL, ask, code_and_token, outbox


@pytest.fixture
async def client(database: Database) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    server = PortalServer(database, WebSettings(max_sessions=2))
    async with TestClient(TestServer(server.make_app())) as client:
        yield client


def mailed_token(database: Database) -> str:
    register(database)  # the parent chose Spanish
    ask(database)
    return code_and_token(database, outbox(database)[-1])[1]


def assert_strict(headers: object) -> None:
    assert isinstance(headers, dict) or hasattr(headers, "get")
    assert headers.get("Cache-Control") == "no-store"  # type: ignore[union-attr]
    assert headers.get("Referrer-Policy") == "no-referrer"  # type: ignore[union-attr]
    csp = headers.get("Content-Security-Policy")  # type: ignore[union-attr]
    assert csp is not None and "default-src 'none'" in csp and "script-src" not in csp


def password_in(page: str) -> str | None:
    found = re.search(r'id="password">([^<]+)<', page)
    return found.group(1) if found else None


async def test_get_shows_one_button_and_leaves_the_token_unused(
    client: TestClient,
    database: Database,  # type: ignore[type-arg]
) -> None:
    token = mailed_token(database)
    for _scanner_fetch in range(3):
        response = await client.get("/reset", params={"lang": "es", "token": token})
        page = await response.text()
        assert response.status == 200
        assert_strict(response.headers)
        assert '<html lang="es">' in page and "Owl County School District" in page
        assert page.count("<button") == 1 and "Ver sus nuevas credenciales" in page
    with database.read() as uow:
        assert uow.session.scalars(select(PasswordReset)).one().used_at is None


async def test_post_shows_the_temporary_password_once_and_it_signs_in(
    client: TestClient,
    database: Database,  # type: ignore[type-arg]
) -> None:
    token = mailed_token(database)
    response = await client.post("/reset", data={"token": token, "lang": "es"})
    page = await response.text()
    assert response.status == 200
    assert_strict(response.headers)
    password = password_in(page)
    assert password is not None and "Su contraseña temporal:" in page
    assert 'href="/?start=sign-in"' in page
    with database.write() as uow:
        session = sign_in_parent(uow, EMAIL, password)
    assert session.must_change_password
    again = await client.post("/reset", data={"token": token, "lang": "es"})
    second = await again.text()
    assert again.status == 409 and password_in(second) is None
    assert "Este enlace ya se usó" in second
    assert_strict(again.headers)


async def test_an_expired_link_says_so(
    client: TestClient,
    database: Database,
    clock: FakeClock,  # type: ignore[type-arg]
) -> None:
    token = mailed_token(database)
    clock.advance(days=2)
    response = await client.post("/reset", data={"token": token, "lang": "ht"})
    page = await response.text()
    assert response.status == 409 and "Lyen sa a ekspire" in page and password_in(page) is None
    assert '<html lang="ht">' in page


async def test_a_superseded_link_says_so(
    client: TestClient,
    database: Database,  # type: ignore[type-arg]
) -> None:
    token = mailed_token(database)
    ask(database)  # a newer mail
    response = await client.post("/reset", data={"token": token, "lang": "en"})
    page = await response.text()
    assert response.status == 409 and "a newer mail was sent" in page
    assert password_in(page) is None


async def test_a_made_up_link_and_an_unknown_language(
    client: TestClient,
    database: Database,  # type: ignore[type-arg]
) -> None:
    response = await client.post("/reset", data={"token": "x" * 40, "lang": "<script>"})
    page = await response.text()
    assert response.status == 400 and "This link is not valid" in page
    assert '<html lang="en">' in page and "<script>" not in page
    hostile = await client.get("/reset", params={"token": '"><script>alert(1)</script>'})
    assert "<script>alert" not in await hostile.text()
