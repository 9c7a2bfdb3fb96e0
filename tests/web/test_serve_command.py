"""``frontdesk serve`` as its command builds it (``portal_server``), on both databases: its
options, the addresses whose pages may open a session (after a reset, the "Sign in" of the
mail's link), the outbox delivered while it serves, and the workstation a session's audit rows
carry. Each session here is a stand-in process: what it gets is what ``frontdesk web-session``
would get."""

from __future__ import annotations

import asyncio
import mailbox
import re
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from frontdesk.cli import build_parser
from frontdesk.cli.context import settings_from
from frontdesk.cli.serve import portal_server
from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.db.models import AuditEvent, OutboxMail
from frontdesk.services.password_reset import request_reset
from frontdesk.web.server import PortalServer
from frontdesk.web.settings import origin_of
from tests.factories import delivered_text, register

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "maria@example.org"  # ``tests.factories.account_form``'s
QUITS_ON_ANY_BYTE = "head -c 1 >/dev/null"
"""A stand-in session: it lives until the server asks it to quit."""


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "district.key"
    path.write_text((b"k" * 32).hex() + "\n")
    return path


@pytest.fixture(autouse=True)
def deployment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No FRONTDESK_PORTAL_URL (the default setup) and mail into a Maildir of the test's."""
    monkeypatch.delenv("FRONTDESK_PORTAL_URL", raising=False)
    monkeypatch.delenv("FRONTDESK_MAIL__SMTP_HOST", raising=False)
    monkeypatch.setenv("FRONTDESK_MAIL__MAILDIR", str(tmp_path / "mail"))


MakeServer = Callable[..., PortalServer]


@pytest.fixture
def make_server(database_url: str, key_file: Path) -> Iterator[MakeServer]:
    """``make_server(*options)``: the portal ``frontdesk serve OPTIONS`` runs."""
    built: list[PortalServer] = []

    def make(*options: str) -> PortalServer:
        argv = ["serve", "--db", database_url, "--key-file", str(key_file), *options]
        args = build_parser().parse_args(argv)
        server = portal_server(args, settings_from(args))
        server.command = QUITS_ON_ANY_BYTE
        built.append(server)
        return server

    yield make
    for server in built:
        server.database.dispose()


async def connects(client: TestClient, path: str, origin: str) -> bool:  # type: ignore[type-arg]
    """Whether a page from ``origin`` gets a session on the websocket at ``path``."""
    try:
        websocket = await client.ws_connect(path, headers={"Origin": origin})
    except WSServerHandshakeError as refused:
        assert refused.status == 403
        return False
    await websocket.close()
    return True


def websocket_of(page: str) -> str:
    found = re.search(r'data-session-websocket-url="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_every_option_parses(make_server: MakeServer) -> None:
    server = make_server(
        "--host",
        "0.0.0.0",
        "--port",
        "8123",
        "--public-url",
        "https://portal.example.org/",
        "--max-sessions",
        "7",
        "--max-session-minutes",
        "0.5",
        "--trusted-proxy",
        "10.0.0.1",
        "--trusted-proxy",
        "10.0.0.2",
    )
    settings = server.settings
    assert (settings.host, settings.port) == ("0.0.0.0", 8123)
    assert settings.public_url == "https://portal.example.org"
    assert settings.max_sessions == 7 and settings.lifetime == 30.0
    assert tuple(settings.trusted_proxies) == ("10.0.0.1", "10.0.0.2")
    assert server.websocket_url == "wss://portal.example.org"
    # The sessions' reset mails link to the public address, on the same database.
    environment = settings.session_environment
    assert environment["FRONTDESK_PORTAL_URL"] == "https://portal.example.org"
    assert environment["FRONTDESK_KEY_FILE"].endswith("district.key")


async def test_behind_tls_the_page_uses_wss_and_only_its_origin_gets_in(
    make_server: MakeServer,
) -> None:
    server = make_server("--public-url", "https://portal.example.org")
    async with TestClient(TestServer(server.make_app())) as client:
        page = await (await client.get("/")).text()
        assert websocket_of(page) == "wss://portal.example.org/ws"
        assert await connects(client, "/ws", "https://portal.example.org")
        assert not await connects(client, "/ws", "http://portal.example.org")
        assert not await connects(client, "/ws", "https://portal.example.org.evil.example")


async def test_without_options_the_defaults(make_server: MakeServer) -> None:
    server = make_server()
    assert server.settings.public_url == "http://127.0.0.1:8000"
    assert server.websocket_url == "ws://127.0.0.1:8000"
    assert server.settings.max_sessions >= 1 and server.settings.lifetime == 3600.0
    assert tuple(server.settings.trusted_proxies) == ("127.0.0.1", "::1")


def reset_link(database: Database) -> str:
    """The link in the reset mail just asked for on ``database`` (a kiosk's or a session's)."""
    with database.write() as uow:
        request_reset(uow, EMAIL, "en")
    with database.read() as uow:
        mail = uow.session.scalars(select(OutboxMail).order_by(OutboxMail.id.desc())).first()
        assert mail is not None
        found = re.search(r"(http\S+/reset\?\S+)", delivered_text(database, mail))
    assert found
    return found.group(1)


async def sign_in_after(client: TestClient, link: str) -> bool:  # type: ignore[type-arg]
    """A parent opens ``link``, presses its button, then "Sign in": whether the page that
    opens gets its session."""
    parts = urlsplit(link)
    redeemed = await client.post(
        "/reset", data={"token": re.findall(r"token=([^&]+)", parts.query)[0], "lang": "en"}
    )
    answer = await redeemed.text()
    assert redeemed.status == 200 and 'id="password"' in answer, answer
    href = re.findall(r'<a class="button" href="([^"]+)"', answer)[-1]
    sign_in = urljoin(link, href)  # where the browser goes: the link's own server
    page = await (await client.get(urlsplit(sign_in).path + "?" + urlsplit(sign_in).query)).text()
    websocket = websocket_of(page)
    assert websocket.endswith("/ws/sign-in")
    return await connects(client, urlsplit(websocket).path, origin_of(sign_in))


async def test_after_a_reset_the_sign_in_opens_a_session_in_the_default_setup(
    make_server: MakeServer, database_url: str
) -> None:
    """No --public-url, no FRONTDESK_PORTAL_URL: the server is at 127.0.0.1:8000, a kiosk's
    reset mail links to localhost:8000 (the default portal URL), a session's to the server."""
    server = make_server()
    register(server.database)
    keyring = server.database.runtime.keyring
    kiosk = open_database(database_url, Runtime(keyring=keyring, workstation="kiosk-1"))
    try:
        kiosk_link = reset_link(kiosk)
    finally:
        kiosk.dispose()
    assert kiosk_link.startswith("http://localhost:8000/reset?")
    async with TestClient(TestServer(server.make_app())) as client:
        assert await sign_in_after(client, kiosk_link)
        session_link = reset_link(server.database)
        assert session_link.startswith("http://127.0.0.1:8000/reset?")
        assert await sign_in_after(client, session_link)
        assert not await connects(client, "/ws", "http://localhost:8001")


async def test_the_configured_portal_url_is_the_public_one_without_public_url(
    make_server: MakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONTDESK_PORTAL_URL", "https://portal.example.org/")
    server = make_server()
    assert server.websocket_url == "wss://portal.example.org"
    register(server.database)
    link = reset_link(server.database)
    assert link.startswith("https://portal.example.org/reset?")
    async with TestClient(TestServer(server.make_app())) as client:
        assert await sign_in_after(client, link)


async def test_a_configured_portal_url_beside_public_url_is_accepted_too(
    make_server: MakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kiosks mail links to FRONTDESK_PORTAL_URL; this server was given another name."""
    monkeypatch.setenv("FRONTDESK_PORTAL_URL", "https://portal.example.org")
    server = make_server("--public-url", "https://parents.example.org")
    async with TestClient(TestServer(server.make_app())) as client:
        for origin in ("https://parents.example.org", "https://portal.example.org"):
            assert await connects(client, "/ws", origin)
        assert not await connects(client, "/ws", "https://other.example.org")


async def test_serve_delivers_the_outbox(make_server: MakeServer, tmp_path: Path) -> None:
    server = make_server()
    register(server.database)
    reset_link(server.database)
    inbox = tmp_path / "mail"
    async with TestClient(TestServer(server.make_app())):
        for _wait in range(100):
            if inbox.exists() and len(mailbox.Maildir(inbox, create=False)):
                break
            await asyncio.sleep(0.05)
    delivered = list(mailbox.Maildir(inbox, create=False))
    assert len(delivered) == 1 and delivered[0]["To"] == EMAIL


SESSION_THAT_REGISTERS = """
import sys
sys.path.insert(0, {root!r})
from frontdesk.cli import build_parser
from frontdesk.cli.context import open_district, settings_from
from tests.factories import register

args = build_parser().parse_args(["web-session"])
database = open_district(settings_from(args))
register(database)
database.dispose()
open(sys.argv[1], "w").write("registered")
sys.stdin.read(1)
"""


async def test_a_sessions_audit_rows_carry_its_keyed_workstation_not_the_address(
    make_server: MakeServer, tmp_path: Path
) -> None:
    """A stand-in session opens the district the way ``frontdesk web-session`` does (the
    settings from its environment) and registers a parent; the client came through the proxy
    from 192.0.2.77."""
    script, done = tmp_path / "session.py", tmp_path / "done"
    script.write_text(SESSION_THAT_REGISTERS.format(root=str(ROOT)))
    server = make_server()
    server.command = " ".join(shlex.quote(p) for p in (sys.executable, str(script), str(done)))
    headers = {"Origin": "http://127.0.0.1:8000", "X-Forwarded-For": "192.0.2.77"}
    async with TestClient(TestServer(server.make_app())) as client:
        websocket = await client.ws_connect("/ws", headers=headers)
        for _wait in range(400):
            if done.exists():
                break
            await asyncio.sleep(0.05)
        await websocket.close()
    assert done.exists()
    with server.database.read() as uow:
        rows = list(uow.session.scalars(select(AuditEvent)))
    assert rows and {row.workstation for row in rows} == {
        f"web-{server.database.runtime.keyring.digest('web_client', '192.0.2.77')[:16]}"
    }
    assert all("192.0.2" not in repr((row.workstation, row.details)) for row in rows)
