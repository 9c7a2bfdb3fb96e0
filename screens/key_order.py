"""Keys in the order they were typed: the app reads the next key once the last one has gone all
the way through.

Textual reads a key in the app and forwards it to the focused widget, which handles it later,
from its own queue; a key the widget does not handle bubbles up to the app, where the bindings
are looked up against whatever has the focus *then*. So on a busy machine (a loaded kiosk, a
web server with many sessions) fast typing came apart: letters typed after Tab landed in the
field just left, a Space on "I'm not a robot" followed by Tab was looked up on the next field
and lost, a Backspace could delete in the next field. A person saw the box ticked, yet the form
said it was not.

``KeysInOrder`` holds a key that comes while another is on its way, and lets it go once a
callback posted behind the key has followed it through every queue it bubbles through, up to the
app. Unhurried typing never waits; a burst is read one key after another, as typed. Public
Textual API only (``call_later`` and the focus chain).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.timer import Timer

GIVE_UP_SECONDS = 1.0
"""A key still on its way after this long (a handler that waits) no longer holds the others."""


class KeysInOrder:
    """Hands ``read`` (the app's own key handling) one key at a time, in the order typed."""

    def __init__(self, app: App[Any], read: Callable[[events.Key], Awaitable[None]]) -> None:
        self._app = app
        self._read = read
        self._held: deque[events.Key] = deque()
        self._on_its_way: object | None = None
        """A token for the key on its way (None when none is): a late callback of a key given
        up on must not let the next key go early."""
        self._give_up: Timer | None = None
        self._hop: DOMNode | None = None
        """The node whose queue holds the key's callback now."""

    async def key(self, key: events.Key) -> None:
        """A key from the terminal or the browser: read now, or once the keys before it are."""
        self._held.append(key)
        if self._on_its_way is not None and self._hop is not None and not self._hop.is_running:
            await self._next(self._on_its_way)  # its way closed under it (a screen popped)
        elif self._on_its_way is None:
            await self._next(None)
        else:
            self._wait_at_most(GIVE_UP_SECONDS)

    def _wait_at_most(self, seconds: float) -> None:
        if self._give_up is None and self._held:
            self._give_up = self._app.set_timer(seconds, partial(self._next, self._on_its_way))

    async def _send(self, key: events.Key) -> None:
        token = object()
        self._on_its_way = token
        target: DOMNode = self._app.focused or self._app.screen
        path = target.ancestors_with_self  # the widget, its parents, the screen, the app
        await self._read(key)
        self._follow(token, path)

    def _follow(self, token: object, path: list[DOMNode]) -> None:
        """Post the next hop behind the key in the next queue of its way up (a queue that has
        closed, such as a screen's just popped, is passed over)."""
        while path:
            node, *rest = path
            if node.call_later(self._follow, token, rest):
                self._hop = node
                return
            path = rest
        # Here in the app's own queue, after the key's bindings there: the key has gone through.
        self._hop = None
        self._app.call_next(self._next, token)

    async def _next(self, token: object | None) -> None:
        """The key ``token`` stands for has gone through (or was given up on): read the next."""
        if token is not self._on_its_way:
            return
        if self._give_up is not None:
            self._give_up.stop()
            self._give_up = None
        self._on_its_way = self._hop = None
        if self._held:
            await self._send(self._held.popleft())
            self._wait_at_most(GIVE_UP_SECONDS)
