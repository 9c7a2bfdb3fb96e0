"""The page behind the reset mail's link (R16, W1).

``GET /reset?token=…`` shows the district's name and one button, and does not touch the token:
mail scanners that fetch every link in a mail must not use it up. ``POST /reset`` redeems it
(one service call) and shows the temporary password once, with the way to the sign-in screen.
A used, expired or superseded link gets its own answer, in the language of the mail (the
link's ``lang``). The token is never logged nor put in a response header.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape

from aiohttp import web
from sqlalchemy.exc import DBAPIError

from frontdesk.db.engine import Database
from frontdesk.district_settings import DistrictSettings
from frontdesk.errors import DomainError, StorageUnavailable, safe_description
from frontdesk.i18n import Msg, shipped_languages
from frontdesk.services.password_reset import (
    ResetExpired,
    ResetSuperseded,
    ResetUsed,
    redeem_link,
)
from frontdesk.services.passwords import TemporaryCredentials
from frontdesk.services.settings_form import read_settings
from frontdesk.web.pages import html_response, page_title, translator

log = logging.getLogger("frontdesk.web")

DATABASE = web.AppKey("database", Database)
"""The district database the pages work on (set by the server)."""

SIGN_IN_PATH = "/?start=sign-in"
"""Where the temporary password is used: the parent screens, opened on the sign-in screen."""

_LINK_ANSWERS: dict[type[DomainError], Msg] = {
    ResetUsed: Msg("This link has already been used. Ask for a new mail if you need another."),
    ResetExpired: Msg("This link has expired. Ask for a new mail."),
    ResetSuperseded: Msg(
        "This link is no longer valid: a newer mail was sent or the password was changed. "
        "Use the link in the newest mail."
    ),
}
"""The service's answers speak of the code typed at the kiosk; on this page it is a link."""

_HEAD = '<link rel="stylesheet" href="/frontdesk.css">\n'


def page_language(asked: str | None, district: DistrictSettings) -> str:
    """The language of the mail (the link's ``lang``) if frontdesk speaks it, else the
    district's default."""
    return asked if asked in shipped_languages() else district.default_language


async def district_of(request: web.Request) -> DistrictSettings:
    """The district's settings as stored now (read in a thread: the loop serves others)."""
    return await asyncio.to_thread(read_settings, request.app[DATABASE])


def _page(district: DistrictSettings, language: str, inner: str, status: int = 200) -> web.Response:
    body = f"<main>\n<h1>{escape(district.district_name)}</h1>\n{inner}\n</main>"
    return html_response(
        body,
        language=language,
        title=page_title(district.district_name, language),
        status=status,
        head=_HEAD,
    )


async def show_reset(request: web.Request) -> web.Response:
    """The link's page: one button. The token only rides along into the form."""
    district = await district_of(request)
    language = page_language(request.query.get("lang"), district)
    t = translator(language)
    token = request.query.get("token", "")
    inner = (
        "<h2>{}</h2>\n<p>{}</p>\n"
        '<form method="post" action="/reset">\n'
        '<input type="hidden" name="token" value="{}">\n'
        '<input type="hidden" name="lang" value="{}">\n'
        '<button type="submit">{}</button>\n</form>'
    ).format(
        escape(t("Reset your parent portal password")),
        escape(t("Press the button to get a temporary password. It is shown only once.")),
        escape(token, quote=True),
        escape(language, quote=True),
        escape(t("View your new credentials")),
    )
    return _page(district, language, inner)


def _redeem(database: Database, token: str) -> TemporaryCredentials:
    with database.write() as uow:
        return redeem_link(uow, token)


async def redeem_reset(request: web.Request) -> web.Response:
    """Redeem the link: the temporary password once, or why not."""
    form = await request.post()
    district = await district_of(request)
    language = page_language(str(form.get("lang", "")), district)
    t = translator(language)
    token = form.get("token", "")
    try:
        credentials = await asyncio.to_thread(
            _redeem, request.app[DATABASE], token if isinstance(token, str) else ""
        )
    except DomainError as error:
        answer = _LINK_ANSWERS.get(type(error), error.message)
        inner = f'<p class="problem" id="problem">{escape(answer.translate(language))}</p>'
        return _page(district, language, inner, status=409 if type(error) in _LINK_ANSWERS else 400)
    except DBAPIError as error:
        log.error("database unavailable: %s", safe_description(error))
        inner = f'<p class="problem">{escape(StorageUnavailable().message.translate(language))}</p>'
        return _page(district, language, inner, status=503)
    inner = (
        "<p>{}</p>\n<p>{}</p>\n"
        '<p><span class="password" id="password">{}</span></p>\n<p>{}</p>\n'
        '<p><a class="button" href="{}">{}</a></p>'
    ).format(
        escape(t("Your email address: {email}").format(email=credentials.email)),
        escape(t("Your temporary password:")),
        escape(credentials.password),
        escape(
            t(
                "Write it down now: it is shown only once. When you sign in with it, you will "
                "choose a new password."
            )
        ),
        escape(SIGN_IN_PATH, quote=True),
        escape(t("Sign in")),
    )
    return _page(district, language, inner)


def add_routes(app: web.Application) -> None:
    """``GET`` and ``POST /reset``."""
    app.router.add_get("/reset", show_reset)
    app.router.add_post("/reset", redeem_reset)
