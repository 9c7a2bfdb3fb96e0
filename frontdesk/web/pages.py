"""frontdesk's own HTML pages: one shell, the same strict headers, nothing from a third party.

Every page is made here with its texts escaped; the terminal's page loads only textual-serve's
script and stylesheet from this server (``/static``), and its font is the one textual-serve
ships, declared here, so no parent's address is handed to a font host.
"""

from __future__ import annotations

from functools import partial
from html import escape

from aiohttp import web

from frontdesk.i18n import gettext_in

STYLE = """
body { background: #0c181f; color: #f0f0f0; font-family: system-ui, sans-serif; margin: 0; }
main { max-width: 34rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.4rem; }
button, .button { font-size: 1.1rem; padding: .7rem 1.4rem; border: none; border-radius: 4px;
  background: #0178d4; color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
.password { font-family: monospace; font-size: 1.6rem; letter-spacing: .1em; background: #12232d;
  padding: .5rem 1rem; display: inline-block; user-select: all; }
.problem { border-left: 4px solid #e0a000; padding-left: 1rem; }
"""
"""The pages' own look: in the page's stylesheet route (``/frontdesk.css``), never inline."""

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""The reset and busy pages: no script at all, forms only to this server."""


def terminal_csp(websocket_url: str) -> str:
    """The terminal page: textual-serve's script and font from here, and the one websocket.

    xterm.js inserts its own ``<style>`` elements, so styles may be inline; scripts may not.
    """
    return (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"font-src 'self'; img-src 'self' data:; connect-src 'self' {websocket_url}; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


def translator(language: str) -> partial[str]:
    """``t(msgid)``: the text in ``language`` (extracted from calls named ``t``)."""
    return partial(gettext_in, language)


def html_response(
    body: str, *, language: str, title: str, status: int = 200, csp: str = PAGE_CSP, head: str = ""
) -> web.Response:
    """A whole page: ``body`` (already escaped) in frontdesk's shell, with the strict headers."""
    page = (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(title)}</title>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    response = web.Response(text=page, status=status, content_type="text/html", charset="utf-8")
    secure_headers(response, csp)
    return response


def secure_headers(response: web.StreamResponse, csp: str = PAGE_CSP) -> None:
    """What every frontdesk page says: never stored, never referred, only this server's
    content."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"


def page_title(district: str, language: str) -> str:
    """The title of every page: the district's name first."""
    t = translator(language)
    return f"{district} · {t('Parent Portal')}"


def busy_page(district: str, language: str) -> web.Response:
    """Every session is taken: a calm page that asks to come back (HTTP 503, Retry-After)."""
    t = translator(language)
    body = (
        '<main>\n<h1>{}</h1>\n<p>{}</p>\n<p><a class="button" href="/">{}</a></p>\n</main>'
    ).format(
        escape(district),
        escape(t("Many parents are using the portal right now. Please try again in a minute.")),
        escape(t("Try again")),
    )
    response = html_response(
        body,
        language=language,
        title=page_title(district, language),
        status=503,
        head='<link rel="stylesheet" href="/frontdesk.css">\n',
    )
    response.headers["Retry-After"] = "60"
    return response


async def stylesheet(request: web.Request) -> web.Response:
    """The pages' stylesheet (a route of its own, so that the CSP forbids inline styles)."""
    response = web.Response(text=STYLE, content_type="text/css", charset="utf-8")
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
