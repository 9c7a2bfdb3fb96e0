"""What ``frontdesk serve`` was told, and what follows from it: where parents reach the
server, which pages' websockets it takes (the Origin check), how many sessions fit."""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from ipaddress import ip_address
from urllib.parse import urlsplit

SESSION_MEMORY = 90 * 1024 * 1024
"""What one browser session's process holds, about (``python -m bench --only web``)."""


def default_max_sessions() -> int:
    """As many sessions as fit in this machine's memory (most of it), at least one."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 10
    return max(1, int(total * 0.8) // SESSION_MEMORY)


DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
"""The names a browser on this machine may give the loopback address (all equally ours)."""
EVERY_ADDRESS = frozenset({"", "0.0.0.0", "::"})
"""Hosts that mean "listen on every address", the loopback one among them."""


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, as a browser sends it in ``Origin`` (no default
    port)."""
    parts = urlsplit(url.strip().lower())
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname or ""
    port = parts.port
    shown = f":{port}" if port is not None and port != DEFAULT_PORTS.get(parts.scheme) else ""
    return f"{parts.scheme}://{host}{shown}"


def listening_url(host: str, port: int) -> str:
    """The address the server listens on, as a browser on this machine reaches it."""
    if host in EVERY_ADDRESS:
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class WebSettings:
    """What ``frontdesk serve`` was told (the command's options)."""

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    """The address parents type (behind a TLS proxy, its ``https://`` one)."""
    max_sessions: int = field(default_factory=default_max_sessions)
    lifetime: float = 3600.0
    """Seconds a session may last at most, however busy."""
    trusted_proxies: Collection[str] = ("127.0.0.1", "::1")
    """Peers whose ``X-Forwarded-For`` names the client (the TLS proxy)."""
    session_environment: dict[str, str] = field(default_factory=dict)
    """What every session's process is given (the database, the key file, the portal URL)."""
    portal_urls: Collection[str] = ()
    """Other addresses parents are sent to (``FRONTDESK_PORTAL_URL``, which the kiosks' reset
    mails and the letters link to): the reset page's "Sign in" opens a session from there."""

    def __post_init__(self) -> None:
        self.public_url = (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def accepted_origins(self) -> frozenset[str]:
        """The pages whose websocket this server takes: from the public address, from the one
        it listens on, and from the portal URLs (where a reset link's "Sign in" leads); a
        loopback address by any of its names, as ``localhost`` and ``127.0.0.1`` are the same
        server to a browser on this machine."""
        origins: set[str] = set()
        for url in (self.public_url, listening_url(self.host, self.port), *self.portal_urls):
            origin = origin_of(url)
            origins.add(origin)
            parts = urlsplit(origin)
            if parts.hostname is not None and _is_loopback(parts.hostname):
                port = f":{parts.port}" if parts.port is not None else ""
                origins.update(f"{parts.scheme}://{name}{port}" for name in LOOPBACK_NAMES)
        return frozenset(origins)
