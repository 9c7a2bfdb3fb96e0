"""``frontdesk serve``: the parent screens and the reset page in a browser (W1)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from frontdesk.cli.context import Commands, add_command, district_key, log_to_file, open_district
from frontdesk.config import Settings

if TYPE_CHECKING:
    from frontdesk.web.server import PortalServer


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the parent portal until interrupted."""
    server = portal_server(args, settings)
    log_to_file(settings)
    print(
        f"frontdesk: serving the parent portal on {server.settings.public_url} "
        f"(at most {server.settings.max_sessions} sessions)",
        flush=True,
    )
    server.serve()
    return 0


def portal_server(args: argparse.Namespace, settings: Settings) -> PortalServer:
    """The portal ``serve`` runs: its options and the deployment settings put together."""
    # aiohttp and textual-serve load only for this command, not for every kiosk's start.
    from frontdesk.web.server import PortalServer
    from frontdesk.web.settings import WebSettings, default_max_sessions

    settings = district_key(settings)
    # FRONTDESK_PORTAL_URL, when set, is where the kiosks' reset mails and the letters send
    # parents: without --public-url it is this server's public address.
    configured = settings.portal_url if "portal_url" in settings.model_fields_set else ""
    public_url = (args.public_url or configured or f"http://{args.host}:{args.port}").rstrip("/")
    # Reset mails sent from here link to this server.
    settings = settings.model_copy(update={"portal_url": public_url})
    database = open_district(settings)
    web_settings = WebSettings(
        host=args.host,
        port=args.port,
        public_url=public_url,
        max_sessions=args.max_sessions or default_max_sessions(),
        lifetime=args.max_session_minutes * 60.0,
        trusted_proxies=tuple(args.trusted_proxy or ("127.0.0.1", "::1")),
        # The reset page's "Sign in" opens a session from where the mail's link led.
        portal_urls=(configured,) if configured else (),
        session_environment={
            "FRONTDESK_DATABASE_URL": settings.database_url,
            "FRONTDESK_KEY_FILE": str(settings.key_file),
            "FRONTDESK_PORTAL_URL": settings.portal_url,
        },
    )
    return PortalServer(database, web_settings, mail=settings.mail)


def register(commands: Commands) -> None:
    """Add ``serve``."""
    serve = add_command(
        commands,
        "serve",
        cmd_serve,
        "Serve the parent screens and the reset link's page to browsers.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address parents use (behind a TLS proxy: https://…); reset links start "
        "with it, and the websocket accepts only pages from it",
    )
    serve.add_argument(
        "--max-sessions",
        type=int,
        metavar="N",
        help="browser sessions at once (default: as many as fit in memory, ~90 MiB each); "
        "past it, a busy page",
    )
    serve.add_argument(
        "--max-session-minutes",
        type=float,
        default=60.0,
        metavar="MINUTES",
        help="a session ends after this long, however busy (default 60)",
    )
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        help="a proxy whose X-Forwarded-For names the client (default: 127.0.0.1 and ::1)",
    )
