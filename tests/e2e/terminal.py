"""A real terminal for end-to-end tests: the app runs in tmux (a pty), keys go in with
``send-keys`` and the screen is read back with ``capture-pane``, as a person at the kiosk
would type and read. Every wait polls the screen for text, with a timeout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

POLL_SECONDS = 0.1


def tmux_available() -> bool:
    """Whether tmux is on this machine."""
    return shutil.which("tmux") is not None


class Terminal:
    """One tmux server of its own (its own socket), with one window running ``command``."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        size: tuple[int, int],
        cwd: Path,
        env: Mapping[str, str],
    ) -> None:
        self.socket = f"frontdesk-e2e-{uuid.uuid4().hex[:10]}"
        width, height = size
        environment = {**os.environ, **env, "TERM": "xterm-256color"}
        environment.pop("TMUX", None)
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "app",
            "-x",
            str(width),
            "-y",
            str(height),
            "-c",
            str(cwd),
            # The window stays open after the app ends, so a crash can still be read.
            " ".join(_quote(part) for part in command) + "; echo '[app ended]'; sleep 600",
            env=environment,
        )
        self.socket_path = Path(self._tmux("display-message", "-p", "#{socket_path}").strip())

    def _tmux(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=dict(env) if env is not None else None,
            check=True,
            timeout=30,
        )
        return done.stdout

    def screen(self) -> str:
        """The text on screen now."""
        return self._tmux("capture-pane", "-p", "-t", "app")

    def styled_screen(self) -> str:
        """The screen now with its colours and styles (SGR escape sequences)."""
        return self._tmux("capture-pane", "-p", "-e", "-t", "app")

    def press(self, *keys: str) -> None:
        """Press keys by tmux's names: ``Enter``, ``Tab``, ``BTab``, ``Space``, ``Escape``…"""
        for key in keys:
            self._tmux("send-keys", "-t", "app", key)

    def type(self, text: str) -> None:
        """Type ``text`` as it is."""
        self._tmux("send-keys", "-t", "app", "-l", text)

    def resize(self, width: int, height: int) -> None:
        """Make the terminal ``width`` by ``height``."""
        self._tmux("resize-window", "-t", "app", "-x", str(width), "-y", str(height))

    def wait_until(self, condition: Callable[[str], bool], what: str, timeout: float = 30.0) -> str:
        """The screen once ``condition`` holds for it; fails with the screen after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout:.0f} s for {what}; the screen:\n{screen}")
            time.sleep(POLL_SECONDS)

    def wait_until_styled(
        self, condition: Callable[[str], bool], what: str, timeout: float = 30.0
    ) -> str:
        """Like ``wait_until``, on the screen with its styles."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.styled_screen()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"waited {timeout:.0f} s for {what}; the screen:\n{self.screen()}"
                )
            time.sleep(POLL_SECONDS)

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        """The screen once every one of ``texts`` is on it."""
        return self.wait_until(
            lambda screen: all(text in screen for text in texts), f"{texts!r}", timeout
        )

    def wait_gone(self, *texts: str, timeout: float = 30.0) -> str:
        """The screen once none of ``texts`` is on it."""
        return self.wait_until(
            lambda screen: not any(text in screen for text in texts),
            f"{texts!r} to go",
            timeout,
        )

    def close(self) -> None:
        """End the app and its tmux server."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)
        self.socket_path.unlink(missing_ok=True)  # tmux leaves it behind


def _quote(part: str) -> str:
    return "'" + part.replace("'", "'\\''") + "'"


STYLE = re.compile(r"\x1b\[[0-9;]*m")
"""An SGR escape sequence (colours and styles) in a styled capture."""


def plain(line: str) -> str:
    """A styled line's text."""
    return STYLE.sub("", line)
