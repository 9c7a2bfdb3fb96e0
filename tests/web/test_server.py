"""W1 over HTTP: the terminal page is frontdesk's own, the websocket checks its Origin, a full
server answers with a calm busy page, and each client gets its own keyed workstation name."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientWebSocketResponse, WSMsgType, web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

from frontdesk.db.engine import Database
from frontdesk.web import settings as settings_module
from frontdesk.web.server import BUSY_CLOSE_CODE, PortalServer
from frontdesk.web.settings import WebSettings, default_max_sessions, origin_of

GIB = 1024**3


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
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in page
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
    # As a browser sends it: no default port, an IPv6 address in brackets.
    assert origin_of("https://portal.example.org:443/x") == "https://portal.example.org"
    assert origin_of("http://[::1]:8000/") == "http://[::1]:8000"


def test_the_origins_a_server_accepts() -> None:
    on_loopback = WebSettings(host="127.0.0.1", port=8000).accepted_origins()
    assert on_loopback == {"http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"}
    behind_tls = WebSettings(
        host="127.0.0.1", port=8000, public_url="https://portal.example.org"
    ).accepted_origins()
    assert "https://portal.example.org" in behind_tls and "http://localhost:8000" in behind_tls
    assert "http://portal.example.org" not in behind_tls
    everywhere = WebSettings(host="0.0.0.0", port=9000, public_url="https://p.example.org")
    assert everywhere.accepted_origins() == {
        "https://p.example.org",
        "http://localhost:9000",
        "http://127.0.0.1:9000",
        "http://[::1]:9000",
    }


class StandIn(PortalServer):
    """Each session a stand-in process that lives until the server asks it to quit."""

    command = "head -c 1 >/dev/null"


async def fate(websocket: ClientWebSocketResponse) -> str:
    """``"in"`` while the session goes on, ``"busy"`` when closed as the busy server does."""
    try:
        message = await websocket.receive(timeout=1.0)
    except TimeoutError:
        return "in"
    assert message.type == WSMsgType.CLOSE, message
    return "busy" if websocket.close_code == BUSY_CLOSE_CODE else f"closed {message.data}"


@pytest.mark.parametrize("limit", [1, 2])
async def test_sessions_that_arrive_together_get_in_only_up_to_the_limit(
    database: Database, sqlite_only: None, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    handshake = web.WebSocketResponse.prepare

    async def over_a_slow_network(
        self: web.WebSocketResponse, request: web.BaseRequest
    ) -> AbstractStreamWriter:
        await asyncio.sleep(0.05)  # the handshake's answer waits on the network
        return await handshake(self, request)

    monkeypatch.setattr(web.WebSocketResponse, "prepare", over_a_slow_network)
    server = StandIn(database, WebSettings(port=8000, max_sessions=limit))
    origin = {"Origin": "http://127.0.0.1:8000"}
    async with await serve(server) as client:
        websockets = await asyncio.gather(
            *(client.ws_connect("/ws", headers=origin) for _ in range(5))
        )
        fates = await asyncio.gather(*(fate(websocket) for websocket in websockets))
        assert sorted(fates) == ["busy"] * (5 - limit) + ["in"] * limit
        assert len(server.sessions) == limit
        for websocket in websockets:
            await websocket.close()
        for _wait in range(100):  # each place is given back once its process has ended
            if not server.sessions:
                break
            await asyncio.sleep(0.05)
        assert not server.sessions
        again = await client.ws_connect("/ws", headers=origin)
        assert await fate(again) == "in"
        await again.close()


async def test_a_loaded_page_whose_websocket_is_refused_says_busy(
    database: Database, sqlite_only: None
) -> None:
    """The page loaded while a place was free; by the time its websocket opens, none is. It
    is closed with "try again later", and the page's own script shows the busy message."""
    server = StandIn(database, WebSettings(port=8000, max_sessions=1))
    async with await serve(server) as client:
        page = await (await client.get("/")).text()
        script = await client.get("/terminal.js")
        body = await script.text()
        origin = {"Origin": "http://127.0.0.1:8000"}
        first = await client.ws_connect("/ws", headers=origin)
        late = await client.ws_connect("/ws", headers=origin)
        assert await fate(late) == "busy" and await fate(first) == "in"
        await first.close()
    assert page.index('src="/terminal.js"') < page.index('src="/static/js/textual.js"')
    assert '<div class="busy"><p>Many parents are using the portal right now.' in page
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert f"event.code === {BUSY_CLOSE_CODE}" in body and '"-busy"' in body


async def test_a_session_ends_at_its_maximum_lifetime(
    database: Database, sqlite_only: None
) -> None:
    server = StandIn(database, WebSettings(port=8000, max_sessions=1, lifetime=0.5))
    async with await serve(server) as client:
        websocket = await client.ws_connect("/ws", headers={"Origin": "http://127.0.0.1:8000"})
        started = asyncio.get_running_loop().time()
        message = await websocket.receive(timeout=10.0)
        assert message.type == WSMsgType.CLOSE
        assert 0.4 < asyncio.get_running_loop().time() - started < 5.0
        for _wait in range(100):
            if not server.sessions:
                break
            await asyncio.sleep(0.05)
        assert not server.sessions  # its place is free again


@pytest.mark.parametrize(
    ("memory", "sessions"),
    [(8 * GIB, 72), (1 * GIB, 9), (64 * 1024 * 1024, 1)],
)
def test_default_max_sessions_from_memory(
    monkeypatch: pytest.MonkeyPatch, memory: int, sessions: int
) -> None:
    """Most of the memory (80 %), at about 90 MiB a session, and never none."""
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": memory // 4096}
    monkeypatch.setattr(settings_module.os, "sysconf", pages.__getitem__)
    assert default_max_sessions() == sessions


def test_default_max_sessions_when_memory_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    def unknown(name: str) -> int:
        raise ValueError(name)

    monkeypatch.setattr(settings_module.os, "sysconf", unknown)
    assert default_max_sessions() == 10
