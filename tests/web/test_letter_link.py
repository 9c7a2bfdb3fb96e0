"""L1 on the web: a letter's QR code opens ``/?code=…``; the page starts its session on the
letter step with the code, normalized. Anything else in ``code`` is dropped."""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from frontdesk.db.engine import Database
from frontdesk.web.server import PortalServer
from frontdesk.web.settings import WebSettings


@pytest.fixture
async def client(database: Database, database_url: str) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    if not database_url.startswith("sqlite"):
        pytest.skip("the pages' HTTP behaviour does not depend on the database")
    server = PortalServer(database, WebSettings(port=8000, max_sessions=2))
    async with TestClient(TestServer(server.make_app())) as client:
        yield client


async def test_the_qr_address_opens_the_letter_step_with_the_code(client: TestClient) -> None:  # type: ignore[type-arg]
    page = await (await client.get("/?code=k7qm4-hxt2r-9wcpd")).text()
    assert 'data-session-websocket-url="ws://127.0.0.1:8000/ws/letter/K7QM4HXT2R9WCPD"' in page


@pytest.mark.parametrize("code", ["K7QM4-HXT2R-9WCP0", "<script>", "x" * 500, ""])
async def test_what_is_not_a_code_is_dropped(client: TestClient, code: str) -> None:  # type: ignore[type-arg]
    page = await (await client.get("/", params={"code": code})).text()
    assert 'data-session-websocket-url="ws://127.0.0.1:8000/ws"' in page
    assert code[:20] not in page.split("<body", 1)[1] or not code


async def test_the_websocket_takes_only_a_code(client: TestClient) -> None:  # type: ignore[type-arg]
    origin = {"Origin": "http://127.0.0.1:8000"}
    assert (await client.get("/ws/letter/NOT-A-CODE", headers=origin)).status == 404


async def test_the_session_process_is_given_the_code_and_the_letter_step(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    """What ``frontdesk web-session`` reads (``cli/app.py`` hands it to the app): here a
    stand-in session writes down the environment it was started with."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the pages' HTTP behaviour does not depend on the database")
    seen = tmp_path / "session.json"
    script = tmp_path / "session.py"
    script.write_text(
        "import json, os, sys\n"
        "names = ('FRONTDESK_WEB_START', 'FRONTDESK_WEB_LETTER_CODE', 'FRONTDESK_WORKSTATION')\n"
        "json.dump({n: os.environ.get(n) for n in names}, open(sys.argv[1], 'w'))\n"
    )

    class Recording(PortalServer):
        command = (
            f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} {shlex.quote(str(seen))}"
        )

    server = Recording(database, WebSettings(port=8000, max_sessions=2))
    async with TestClient(TestServer(server.make_app())) as client:
        page = await (await client.get("/?code=k7qm4 hxt2r 9wcpd")).text()
        path = "/ws/letter/K7QM4HXT2R9WCPD"
        assert f'"ws://127.0.0.1:8000{path}"' in page
        websocket = await client.ws_connect(path, headers={"Origin": "http://127.0.0.1:8000"})
        for _wait in range(200):
            if seen.exists() and seen.read_text():
                break
            await asyncio.sleep(0.05)
        await websocket.close()
    environment = json.loads(seen.read_text())
    assert environment["FRONTDESK_WEB_START"] == "letter"
    assert environment["FRONTDESK_WEB_LETTER_CODE"] == "K7QM4HXT2R9WCPD"
    assert environment["FRONTDESK_WORKSTATION"].startswith("web-")
