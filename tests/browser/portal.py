"""A real ``frontdesk serve`` on a demo district, and a headless Chromium that reads its screen.

The browser is Debian's ``chromium-headless-shell`` driven by Playwright with
``executable_path`` (never ``playwright install``). The screen is read from xterm.js's own
buffer: the test serves textual-serve's script with one hook (the terminal it makes is kept
as ``window.__frontdeskTerminal``), never pixels.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

from frontdesk.db.engine import open_database
from frontdesk.db.uow import Runtime
from frontdesk.security import Keyring
from frontdesk.web.app_process import STATIC
from tests.factories import small_roster

ROOT = Path(__file__).resolve().parents[2]
BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser")
HOOKED_JS = (
    (STATIC / "js" / "textual.js")
    .read_text()
    .replace(
        "this.terminal=new v.Terminal(", "this.terminal=window.__frontdeskTerminal=new v.Terminal("
    )
)
SCREEN_JS = """() => {
  const terminal = window.__frontdeskTerminal;
  if (!terminal) return "";
  const buffer = terminal.buffer.active, lines = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
  return lines.join("\\n");
}"""


def browser_binary() -> str | None:
    """Debian's headless Chromium, if installed."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Portal:
    """A running ``frontdesk serve``."""

    url: str
    database_url: str
    key_file: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]


def frontdesk(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "frontdesk", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def serve_demo(folder: Path, *, max_sessions: int) -> Generator[Portal, None, None]:
    """A demo district in ``folder`` served on a free port until the generator is closed."""
    env = district_environment(folder)
    url = f"sqlite:///{folder / 'district.db'}"
    frontdesk(env, "demo", "--no-open", "--students", "40", "--db", url)
    yield from serve(folder, url, env, max_sessions=max_sessions)


def serve_small_roster(folder: Path, *, max_sessions: int) -> Generator[Portal, None, None]:
    """A district holding ``tests.factories.small_roster`` (José, whose parent's typing is known),
    served on a free port until the generator is closed."""
    env = district_environment(folder)
    url = f"sqlite:///{folder / 'district.db'}"
    keyring = Keyring.from_file(folder / "district.key", create=True)
    database = open_database(url, Runtime(keyring=keyring, workstation="test"))
    try:
        small_roster(database)
    finally:
        database.dispose()
    yield from serve(folder, url, env, max_sessions=max_sessions)


def district_environment(folder: Path) -> dict[str, str]:
    """The environment of the commands: this machine's, with frontdesk's data in ``folder``."""
    env = {**os.environ, "XDG_DATA_HOME": str(folder / "data")}
    for name in ("FRONTDESK_KEY_FILE", "FRONTDESK_DATABASE_URL", "FRONTDESK_PORTAL_URL"):
        env.pop(name, None)
    return env


def serve(
    folder: Path, url: str, env: dict[str, str], *, max_sessions: int
) -> Generator[Portal, None, None]:
    """``frontdesk serve`` on the district at ``url`` (its key beside it), on a free port."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "frontdesk",
            "serve",
            "--db",
            url,
            "--port",
            str(port),
            "--max-sessions",
            str(max_sessions),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield Portal(f"http://127.0.0.1:{port}", url, folder / "district.key", env, process)
    finally:
        process.terminate()
        process.wait(timeout=15)
