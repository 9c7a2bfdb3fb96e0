"""What frontdesk uses of textual-serve that is not its public face, in one place.

textual-serve (pinned to one version in pyproject) runs one app process per browser session.
frontdesk gives each process its own environment (the session's workstation identity, the
screen to open on) through ``AppService._build_environment``, makes sure a process that does
not quit when asked is ended, and builds its own aiohttp application instead of
``Server._make_app``. ``tests/web/test_app_process.py`` fails when a new version changes
any of these.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual_serve import app_service
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

STATIC = Path(app_service.__file__).resolve().parent / "static"
"""textual-serve's own script (xterm.js and its client), stylesheet and font."""

QUIT_SECONDS = 5.0
"""How long a session's process may take to quit before it is killed."""


class SessionProcess(AppService):
    """One browser session's app process, started with ``environment`` added to the server's."""

    def __init__(
        self,
        command: str,
        environment: dict[str, str],
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
    ) -> None:
        super().__init__(
            command,
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=DownloadManager(),
        )
        self.environment = environment

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.update(self.environment)
        # With this set, Textual would turn ctrl+c into a signal that ends the session.
        environment.pop("TEXTUAL_ALLOW_SIGNALS", None)
        return environment

    @property
    def pid(self) -> int | None:
        """The process id, once started."""
        return self._process.pid if self._process is not None else None

    async def end(self) -> None:
        """Ask the app to quit; kill its process if it has not within ``QUIT_SECONDS``."""
        process = self._process
        try:
            with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
                await asyncio.wait_for(self.stop(), QUIT_SECONDS)
            if process is not None and process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
            if self._task is not None:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._task
                self._task = None
        finally:
            if process is not None and process.stdin is not None:
                # The pipe to the process: closed now, not when collected (by then the event
                # loop may be closed, and closing it would fail).
                process.stdin.close()
