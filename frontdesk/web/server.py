"""The web server of ``frontdesk serve``: the terminal page, its websocket, the reset page.

Each websocket is one browser session with its own app process (``frontdesk web-session``,
through textual-serve's :class:`~frontdesk.web.app_process.SessionProcess`). The server
checks the websocket's Origin, counts sessions against ``max_sessions`` (a busy page past
it), ends a session after ``lifetime`` seconds, gives each client its own workstation identity
(a keyed hash of its address), and runs the outbox's delivery pass the way the apps do.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shlex
import sys
from collections.abc import AsyncIterator
from html import escape
from ipaddress import ip_address

from aiohttp import WSMsgType, web

from frontdesk.config import MailSettings
from frontdesk.db.engine import Database
from frontdesk.services.letter_codes import normalize_code
from frontdesk.web import reset_page
from frontdesk.web.app_process import STATIC, SessionProcess
from frontdesk.web.pages import (
    busy_page,
    html_response,
    page_title,
    stylesheet,
    terminal_csp,
    translator,
)
from frontdesk.web.reset_page import DATABASE, district_of
from frontdesk.web.settings import WebSettings, origin_of

log = logging.getLogger("frontdesk.web")

MAIL_INTERVAL = 30.0
"""Seconds between two delivery passes of the outbox (as the apps)."""
BUSY_CLOSE_CODE = 1013
"""The websocket's close code when every session is taken: "try again later" (RFC 6455)."""
START_STEPS = frozenset({"sign-in"})
"""The screens a session may open on besides the welcome (``/?start=…``, then ``/ws/…``)."""
LETTER_STEP = "letter"
"""A letter's QR code opens ``/?code=…``: the session starts on the letter-code step with the
code filled in (``/ws/letter/<code>``; the app gets it in ``FRONTDESK_WEB_LETTER_CODE``)."""

TERMINAL_STYLE = """
@font-face { font-family: "Roboto Mono";
  src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf"); }
html, body { margin: 0; height: 100%; background: #0c181f; color: #f0f0f0; }
body { font-family: "Roboto Mono", monospace; }
.textual-terminal { width: 100vw; height: 100vh; opacity: 0; transition: opacity .3s ease-out; }
body.-first-byte .textual-terminal { opacity: 1; }
.dialog-container { position: absolute; inset: 0; display: flex; align-items: center;
  justify-content: center; z-index: 10; }
.intro { max-width: 90vw; padding: 2rem; background: #12232d; text-align: center; }
body.-first-byte .intro-dialog { display: none; }
.closed-dialog { display: none; }
body.-closed .closed-dialog { display: flex; }
.busy { display: none; }
body.-busy .busy { display: block; }
body.-busy .ended { display: none; }
a.button { font-size: 1.1rem; padding: .7rem 1.4rem; border-radius: 4px; background: #0178d4;
  color: #fff; text-decoration: none; display: inline-block; margin-top: 1rem; }
#start { display: none; }
"""

TERMINAL_SCRIPT = """(() => {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("close", (event) => {
        if (event.code === BUSY) document.body.classList.add("-busy");
      });
    }
  };
})();
""".replace("BUSY", str(BUSY_CLOSE_CODE))
"""Loaded before textual.js: when every session is taken, the server closes a page's websocket
with ``BUSY_CLOSE_CODE``, and the page then shows the busy message instead of "This session has
ended" (textual.js makes its websocket after this script has run, so it makes this kind)."""


class PortalServer:
    """The parent portal on one machine: sessions, their websocket, the reset page."""

    command = f"{shlex.quote(sys.executable)} -m frontdesk web-session"
    """What each session runs (its settings come in the environment)."""

    def __init__(
        self, database: Database, settings: WebSettings, mail: MailSettings | None = None
    ) -> None:
        self.database = database
        self.settings = settings
        self.mail = mail
        self.sessions: set[SessionProcess] = set()
        """The sessions running, and those whose websocket is being opened (each counted from
        before its first ``await``, so sessions that arrive together cannot all pass
        ``full``)."""
        self.origin = origin_of(settings.public_url)
        self.origins = settings.accepted_origins()
        self.endings: set[asyncio.Task[None]] = set()
        """Sessions being ended (their process asked to quit, or killed)."""
        scheme = "wss" if settings.public_url.startswith("https") else "ws"
        self.websocket_url = scheme + settings.public_url[settings.public_url.index(":") :]

    # --- the application -------------------------------------------------------------------

    def make_app(self) -> web.Application:
        """The aiohttp application: every route frontdesk serves, and nothing else."""
        app = web.Application(client_max_size=64 * 1024)
        app[DATABASE] = self.database
        app.router.add_get("/", self.show_terminal)
        app.router.add_get("/ws", self.session)
        app.router.add_get("/ws/{start}", self.session)
        app.router.add_get("/ws/letter/{code}", self.session)
        app.router.add_get("/frontdesk.css", stylesheet)
        app.router.add_get("/terminal.css", self.terminal_stylesheet)
        app.router.add_get("/terminal.js", self.terminal_script)
        app.router.add_static("/static", STATIC, show_index=False)
        reset_page.add_routes(app)
        app.cleanup_ctx.append(self._mail_pass)
        app.on_shutdown.append(self._end_sessions)
        return app

    def serve(self) -> None:
        """Serve until interrupted."""
        web.run_app(self.make_app(), host=self.settings.host, port=self.settings.port, print=None)

    # --- pages -----------------------------------------------------------------------------

    def full(self) -> bool:
        """Whether every session this server may run is taken."""
        return len(self.sessions) >= self.settings.max_sessions

    async def show_terminal(self, request: web.Request) -> web.Response:
        """The page that holds the terminal (frontdesk's own, nothing from a third party)."""
        district = await district_of(request)
        language = district.default_language
        if self.full():
            return busy_page(district.district_name, language)
        t = translator(language)
        start = request.query.get("start", "")
        websocket = self.websocket_url + "/ws" + (f"/{start}" if start in START_STEPS else "")
        # Only a well-formed code goes on, normalized: nothing else typed reaches the page.
        code = normalize_code(request.query.get("code", ""))
        if code is not None:
            websocket = f"{self.websocket_url}/ws/{LETTER_STEP}/{code}"
        try:
            font_size = min(max(int(request.query.get("fontsize", "16")), 8), 32)
        except ValueError:
            font_size = 16
        title = page_title(district.district_name, language)
        body = (
            '<div class="dialog-container intro-dialog"><div class="intro">{}</div></div>\n'
            '<div class="dialog-container closed-dialog"><div class="intro">\n'
            '<div class="ended"><p>{}</p>\n<a class="button" href="/">{}</a></div>\n'
            '<div class="busy"><p>{}</p>\n<a class="button" href="/">{}</a></div>\n'
            "</div></div>\n"
            '<button id="start" type="button"></button>\n'
            '<div id="terminal" class="textual-terminal" data-session-websocket-url="{}" '
            'data-font-size="{}"></div>\n'
            "<noscript>{}</noscript>"
        ).format(
            escape(district.district_name),
            escape(t("This session has ended.")),
            escape(t("Start again")),
            escape(t("Many parents are using the portal right now. Please try again in a minute.")),
            escape(t("Try again")),
            escape(websocket, quote=True),
            font_size,
            escape(t("This page needs JavaScript to show the parent portal.")),
        )
        head = (
            '<link rel="stylesheet" href="/static/css/xterm.css">\n'
            '<link rel="stylesheet" href="/terminal.css">\n'
            '<script src="/terminal.js"></script>\n'
            '<script src="/static/js/textual.js"></script>\n'
        )
        return html_response(
            body, language=language, title=title, csp=terminal_csp(self.websocket_url), head=head
        )

    async def terminal_stylesheet(self, request: web.Request) -> web.Response:
        response = web.Response(text=TERMINAL_STYLE, content_type="text/css", charset="utf-8")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    async def terminal_script(self, request: web.Request) -> web.Response:
        response = web.Response(
            text=TERMINAL_SCRIPT, content_type="application/javascript", charset="utf-8"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    # --- sessions --------------------------------------------------------------------------

    def client_address(self, request: web.Request) -> str:
        """The browser's address: the peer's, or the one a trusted proxy says it forwards."""
        peer = request.remote or ""
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded and peer in self.settings.trusted_proxies:
            # The proxy appends the address it saw: the last entry is the one to trust.
            candidate = forwarded.split(",")[-1].strip()
            with contextlib.suppress(ValueError):
                return str(ip_address(candidate))
        return peer

    def workstation(self, request: web.Request) -> str:
        """This client's workstation identity in audit rows and rate limits: a keyed hash of
        its address, so clients are told apart without any address being stored."""
        digest = self.database.runtime.keyring.digest("web_client", self.client_address(request))
        return f"web-{digest[:16]}"

    async def session(self, request: web.Request) -> web.StreamResponse:
        """One browser session: its websocket, its own app process."""
        if request.headers.get("Origin", "").lower() not in self.origins:
            log.warning("websocket refused: wrong origin")
            raise web.HTTPForbidden(text="Wrong origin.")
        start = request.match_info.get("start", "")
        if start and start not in START_STEPS:
            raise web.HTTPNotFound()
        environment = dict(self.settings.session_environment)
        if "code" in request.match_info:
            code = normalize_code(request.match_info["code"])
            if code is None:
                raise web.HTTPNotFound()
            start = LETTER_STEP
            environment["FRONTDESK_WEB_LETTER_CODE"] = code
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
        if self.full():
            return await _busy(request, websocket)
        environment["FRONTDESK_WORKSTATION"] = self.workstation(request)
        environment["FRONTDESK_WEB_START"] = start
        process = SessionProcess(
            self.command,
            environment,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=lambda: _close(websocket),
        )
        # The place is taken before the first await: between ``full`` and here no other
        # session can run, so sessions that arrive together cannot all get in.
        self.sessions.add(process)
        try:
            await websocket.prepare(request)
            width, height = _size(request)
            await process.start(width, height)
            async with asyncio.timeout(self.settings.lifetime):
                await _relay(websocket, process)
        except TimeoutError:
            log.info("a session reached its maximum lifetime")
        except web.HTTPException:
            raise  # not a websocket handshake: the answer says so
        except Exception as error:  # a session's failure must not take the server down
            log.error("session failed: %s", type(error).__name__)
        finally:
            # The handler is cancelled when its browser goes away: the process is ended all
            # the same, in a task of its own that a server shutting down waits for.
            ending = asyncio.create_task(self._end_session(process, websocket))
            self.endings.add(ending)
            ending.add_done_callback(self.endings.discard)
            await asyncio.shield(ending)
        return websocket

    async def _end_session(self, process: SessionProcess, websocket: web.WebSocketResponse) -> None:
        try:
            await process.end()
            if websocket.prepared:
                await websocket.close()
        finally:
            # Given back once the process has ended: until then it holds its memory.
            self.sessions.discard(process)

    async def _end_sessions(self, app: web.Application) -> None:
        await asyncio.gather(*(process.end() for process in list(self.sessions)))
        await asyncio.gather(*list(self.endings), return_exceptions=True)

    async def _mail_pass(self, app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(self._deliver_forever()) if self.mail is not None else None
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_forever(self) -> None:
        from frontdesk.mail.delivery import Deliverer

        assert self.mail is not None
        deliverer = Deliverer(self.database, self.mail)
        while True:
            try:
                await asyncio.to_thread(deliverer.deliver_due)
            except Exception as error:  # errors stay in the outbox; the next pass retries
                log.error("mail delivery pass failed: %s", type(error).__name__)
            await asyncio.sleep(MAIL_INTERVAL)


async def _close(websocket: web.WebSocketResponse) -> None:
    await websocket.close()


async def _busy(request: web.Request, websocket: web.WebSocketResponse) -> web.StreamResponse:
    """Every session is taken. A page that loaded a moment ago gets its websocket, closed at
    once with "try again later" (1013), which the page shows as the busy message (a refused
    handshake would look like a session that ended); anything else a 503."""
    if not websocket.can_prepare(request).ok:
        raise web.HTTPServiceUnavailable(text="Busy.", headers={"Retry-After": "60"})
    await websocket.prepare(request)
    await websocket.close(code=BUSY_CLOSE_CODE, message=b"Busy.")
    return websocket


def _size(request: web.Request) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        try:
            return min(max(int(request.query.get(name, default)), 10), 500)
        except ValueError:
            return default

    return number("width", 80), number("height", 24)


async def _relay(websocket: web.WebSocketResponse, process: SessionProcess) -> None:
    """What the browser sends, to the app process: keys, its size, focus."""
    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = json.loads(message.data)
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        except (ValueError, TypeError, IndexError, KeyError):
            continue
        if kind == "stdin" and isinstance(data, str):
            await process.send_bytes(data.encode("utf-8"))
        elif kind == "resize" and isinstance(data, dict):
            await process.set_terminal_size(int(data["width"]), int(data["height"]))
        elif kind == "ping":
            await websocket.send_json(["pong", data])
        elif kind == "blur":
            await process.blur()
        elif kind == "focus":
            await process.focus()
