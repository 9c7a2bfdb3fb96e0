"""textual-serve is pinned to one version; these are the parts of it frontdesk relies on that
are not its public face (``frontdesk/web/app_process.py``). A new version must pass these."""

from __future__ import annotations

import inspect
from importlib.metadata import version

from textual_serve.app_service import AppService

from frontdesk.web.app_process import STATIC, SessionProcess


def test_textual_serve_is_the_pinned_version() -> None:
    assert version("textual-serve") == "1.1.3"


def test_the_private_names_frontdesk_uses_are_there() -> None:
    build = inspect.signature(AppService._build_environment)
    assert list(build.parameters) == ["self", "width", "height"]
    source = inspect.getsource(AppService._open_app_process)
    assert "_build_environment(width=width, height=height)" in source
    assert "self._process = process" in source
    assert "_task" in inspect.getsource(AppService.start)
    for path in ("js/textual.js", "css/xterm.css", "fonts/RobotoMono-VariableFont_wght.ttf"):
        assert (STATIC / path).is_file()
    # The browser tests' hook into the client: where it makes its xterm.js terminal.
    assert "this.terminal=new v.Terminal(" in (STATIC / "js/textual.js").read_text()


def test_a_session_gets_its_own_environment() -> None:
    async def nothing(*args: object) -> None:
        return None

    process = SessionProcess(
        "true",
        {"FRONTDESK_WORKSTATION": "web-abc"},
        write_bytes=nothing,
        write_str=nothing,
        close=nothing,
    )
    environment = process._build_environment(width=43, height=30)
    assert environment["FRONTDESK_WORKSTATION"] == "web-abc"
    assert environment["COLUMNS"] == "43" and "TEXTUAL_ALLOW_SIGNALS" not in environment
    assert environment["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver"
