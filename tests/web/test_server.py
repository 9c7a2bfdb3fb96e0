"""W1 over HTTP: the terminal page is frontdesk's own, the websocket checks its Origin, a full
server answers with a calm busy page, and each client gets its own keyed workstation name."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

from frontdesk.db.engine import Database
from frontdesk.web.server import PortalServer, WebSettings, origin_of


@pytest.fixture
def sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the pages' HTTP behaviour does not depend on the database")


async def serve(server: PortalServer) -> TestClient:  # type: ignore[type-arg]
    return TestClient(TestServer(server.make_app()))


@pytest.fixture
async def client(database: Database, sqlite_only: None) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    server = PortalServer(database, WebSettings(port=8000, max_sessions=2))
    async with await serve(server) as client:
        yield client


async def test_the_terminal_page_is_frontdesks_own(client: TestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/")
    page = await response.text()
    assert response.status == 200
    assert '<html lang="en">' in page
    assert "<title>Owl County School District · Parent Portal</title>" in page
    assert "googleapis" not in page and "https://" not in page
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self' ws://127.0.0.1:8000" in csp
    assert response.headers["Cache-Control"] == "no-store"
    font = await client.get("/static/fonts/RobotoMono-VariableFont_wght.ttf")
    assert font.status == 200
    assert (await client.get("/static/")).status in (403, 404)  # no directory listing


async def test_the_websocket_refuses_other_origins(client: TestClient) -> None:  # type: ignore[type-arg]
    for origin in ("https://evil.example", "http://127.0.0.1:8000.evil.example", None):
        headers = {"Origin": origin} if origin else {}
        response = await client.get(
            "/ws", headers={**headers, "Upgrade": "websocket", "Connection": "Upgrade"}
        )
        assert response.status == 403
    unknown = await client.get("/ws/staff-exit", headers={"Origin": "http://127.0.0.1:8000"})
    assert unknown.status == 404


async def test_past_max_sessions_the_busy_page(database: Database, sqlite_only: None) -> None:
    server = PortalServer(database, WebSettings(max_sessions=0))
    async with await serve(server) as client:
        response = await client.get("/")
        page = await response.text()
        assert response.status == 503 and response.headers["Retry-After"] == "60"
        assert "try again in a minute" in page and "textual.js" not in page
        ws = await client.get("/ws", headers={"Origin": server.origin})
        assert ws.status == 503


def test_each_client_gets_its_own_keyed_workstation(database: Database, sqlite_only: None) -> None:
    server = PortalServer(database, WebSettings(trusted_proxies=("10.0.0.1",)))

    def named(peer: str, forwarded: str = "") -> str:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        request = make_mocked_request("GET", "/ws", headers=headers)
        request._transport_peername = (peer, 1234)  # type: ignore[attr-defined]
        return server.workstation(request)

    one, two = named("192.0.2.1"), named("192.0.2.2")
    assert one != two and one.startswith("web-") and "192.0.2" not in one
    assert named("192.0.2.1") == one
    # Only a trusted proxy may say whom it forwards, and its last entry counts.
    assert named("10.0.0.1", "1.1.1.1, 192.0.2.2") == two
    assert named("192.0.2.1", "192.0.2.2") == one


def test_origin_of_the_public_url() -> None:
    assert origin_of("https://Portal.Example.org/") == "https://portal.example.org"
    assert origin_of("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
