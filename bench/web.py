"""Issue 13's figures: the parent screens in a browser (``frontdesk serve``).

A real ``frontdesk serve`` on the demo district, and Debian's headless Chromium (the browser
tests' ``chromium-headless-shell``, through Playwright) reading the screen from xterm.js's
buffer, as ``tests/browser`` does.

Printed: a browser session's start to the welcome screen on screen (median, p95; goal 1.5 s);
the memory of one session's processes (RSS, and PSS, which counts shared pages once) and how
many sessions fit in 1 GiB by it; then ``FRONTDESK_BENCH_WEB_SESSIONS`` (20) sessions at once,
each taking the same steps, with each step's p95 from its key to the screen showing the result.
``FRONTDESK_BENCH_WEB_STARTS`` (10) sessions are started one after another for the first figure.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.context import BenchContext, median, p95
from tests.browser.portal import (
    HOOKED_JS,
    SCREEN_JS,
    Portal,
    browser_binary,
    district_environment,
    serve,
)

SESSIONS = int(os.environ.get("FRONTDESK_BENCH_WEB_SESSIONS", "20"))
STARTS = int(os.environ.get("FRONTDESK_BENCH_WEB_STARTS", "10"))
GIB = 1024 * 1024 * 1024
WELCOME = "Parent Portal Registration"

STEPS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("new_account", ("Enter",), "First name"),
    ("type_name", tuple("Quokka"), "Quokka"),
    ("back", ("Escape",), WELCOME),
    # Back from "new account": the language bar's last buttons first (the demo offers English,
    # Español, Kreyòl Ayisyen, Português (Brasil), Tiếng Việt).
    ("spanish", ("Shift+Tab",) * 4 + ("Enter",), "Les damos la bienvenida"),  # the demo's own
)
"""Each step: its name, the keys a parent presses, what the screen then shows."""


def run(ctx: BenchContext) -> None:
    binary = browser_binary()
    if binary is None:
        print("# no chromium-headless-shell (apt): the web figures are skipped")
        return
    ctx.sqlite  # noqa: B018 - the demo district, built once per run
    folder = ctx.workdir / "web"
    folder.mkdir(exist_ok=True)
    with portal(ctx, folder, max_sessions=max(SESSIONS, 1) + 2) as served:
        asyncio.run(measure(ctx, served, binary))


@contextmanager
def portal(ctx: BenchContext, folder: Path, *, max_sessions: int) -> Iterator[Portal]:
    """``frontdesk serve`` on the run's demo district (its key beside it)."""
    env = district_environment(folder)
    served = serve(folder, ctx.sqlite_url, env, max_sessions=max_sessions)
    try:
        yield next(served)
    finally:
        served.close()


async def measure(ctx: BenchContext, served: Portal, binary: str) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=binary)
        try:
            starts = []
            for _ in range(STARTS):
                context, _page, seconds = await open_session(browser, served.url)
                starts.append(seconds * 1000)
                await context.close()
                await asyncio.sleep(0.5)  # the server ends the session
            ctx.report("web_session_start_to_welcome_median", median(starts), "ms")
            ctx.report("web_session_start_to_welcome_p95", high(starts), "ms")

            opened = await asyncio.gather(
                *(open_session(browser, served.url) for _ in range(SESSIONS))
            )
            await asyncio.sleep(1.0)  # every process past its start
            memory = session_memory(served.process.pid)
            if memory is not None:
                rss, pss = memory
                ctx.report("web_session_rss", rss / 2**20, "MiB")
                ctx.report("web_session_pss", pss / 2**20, "MiB")
                ctx.report("web_sessions_in_1_gib", GIB / rss, "sessions")
            ctx.report("web_concurrent_sessions", len(opened), "sessions")
            pages = [page for _context, page, _seconds in opened]
            for name, keys, shows in STEPS:
                times = await asyncio.gather(*(step(page, keys, shows) for page in pages))
                ctx.report(f"web_step_{name}_p95", high(list(times)), "ms")
            for context, _page, _seconds in opened:
                await context.close()
        finally:
            await browser.close()


def high(values: list[float]) -> float:
    """The p95 (the one value of a smoke run of one)."""
    return p95(values) if len(values) > 1 else values[0]


async def open_session(browser: Any, url: str) -> tuple[Any, Any, float]:
    """A new browser session on the portal: (its context, its page, seconds to the welcome)."""
    context = await browser.new_context(viewport={"width": 1100, "height": 760})
    await context.route(
        "**/static/js/textual.js",
        lambda route: route.fulfill(body=HOOKED_JS, content_type="application/javascript"),
    )
    page = await context.new_page()
    started = time.perf_counter()
    await page.goto(url)
    await shown(page, WELCOME)
    seconds = time.perf_counter() - started
    await page.locator(".xterm-helper-textarea").focus()
    return context, page, seconds


async def shown(page: Any, text: str) -> None:
    check = f"() => ({SCREEN_JS})().includes({json.dumps(text)})"
    await page.wait_for_function(check, timeout=60_000, polling="raf")


async def step(page: Any, keys: tuple[str, ...], shows: str) -> float:
    """Milliseconds from the step's first key to its result on the screen."""
    started = time.perf_counter()
    for key in keys:
        await page.keyboard.press(key)
    await shown(page, shows)
    return (time.perf_counter() - started) * 1000


def session_memory(server: int) -> tuple[float, float] | None:
    """Mean bytes (RSS, PSS) of one session's processes: every process under the server."""
    try:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    except OSError:
        return None
    sessions = children.get(server, [])
    if not sessions:
        return None
    rss = pss = 0.0
    for session in sessions:
        stack = [session]
        while stack:
            pid = stack.pop()
            stack.extend(children.get(pid, []))
            r, p = process_memory(pid)
            rss, pss = rss + r, pss + p
    return rss / len(sessions), pss / len(sessions)


def process_memory(pid: int) -> tuple[float, float]:
    """Bytes (RSS, PSS) of process ``pid`` (0 once it is gone)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0, 0.0
    values = {}
    for line in rollup.splitlines()[1:]:
        name, _, rest = line.partition(":")
        values[name] = float(rest.split()[0]) * 1024
    return values.get("Rss", 0.0), values.get("Pss", 0.0)
