"""The mails frontdesk sends, rendered in the recipient's language with the district's name."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from functools import partial
from html import escape

from frontdesk.i18n import N_, format_datetime, gettext_in
from frontdesk.mail.outbox import Mail, placeholder


def _render(
    kind: str,
    to: str,
    language: str,
    district: str,
    subject: str,
    paragraphs: list[str],
    links: dict[int, str] | None = None,
    secrets: Mapping[str, str] | None = None,
) -> Mail:
    """A mail of ``paragraphs``; ``links`` makes paragraph *n* a link to a URL in the HTML
    part (the text part gives the URL on the line after it). ``secrets``: the placeholders
    the texts hold and what they stand for (sealed in the outbox)."""
    links = links or {}
    subject_text = f"{district}: {gettext_in(language, subject)}"
    text = (
        "\n\n".join(f"{p}\n{links[n]}" if n in links else p for n, p in enumerate(paragraphs))
        + f"\n\n-- \n{district}\n"
    )
    html = (
        f'<!doctype html><html lang="{escape(language)}"><body>'
        + "".join(
            f'<p><a href="{escape(links[n])}">{escape(p)}</a></p>'
            if n in links
            else f"<p>{escape(p)}</p>"
            for n, p in enumerate(paragraphs)
        )
        + f"<p>— {escape(district)}</p></body></html>"
    )
    return Mail(kind, to, language, subject_text, text, html, dict(secrets or {}))


SECRET_KINDS = frozenset({"password_reset"})
"""Mail kinds that carry a secret: their secrets are sealed in the outbox, and their bodies
are wiped from it once delivered."""


def account_approved(to: str, language: str, district: str, first_name: str) -> Mail:
    """The school checked the parent's photo ID and the account is active (V3)."""
    t = partial(gettext_in, language)
    return _render(
        "account_approved",
        to,
        language,
        district,
        N_("Your parent portal account is active"),
        [
            t("Hello {name},").format(name=first_name),
            t(
                "The school has verified your identity. You can now sign in to the parent "
                "portal and see your children's records."
            ),
        ],
    )


def link_decided(
    to: str,
    language: str,
    district: str,
    first_name: str,
    student: str,
    approved: bool,
    reason: str | None,
) -> Mail:
    """A request to see a student was approved, denied or revoked (V3)."""
    t = partial(gettext_in, language)
    if approved:
        subject = N_("You can now see your child's records")
        body = [t("The school approved your request to see {student}'s records.")]
    else:
        subject = N_("About your request to see a student's records")
        body = [
            t("The school did not approve access to {student}'s records."),
            t("Reason: {reason}"),
            t("If you have questions, please contact the school's front office."),
        ]
    paragraphs = [t("Hello {name},").format(name=first_name)] + [
        p.format(student=student, reason=reason or "") for p in body
    ]
    return _render("link_decided", to, language, district, subject, paragraphs)


def password_reset(
    *,
    to: str,
    language: str,
    district: str,
    first_name: str,
    code: str,
    token: str,
    portal_url: str,
    minutes: int,
) -> Mail:
    """R16: a single-use link (to the portal's reset page) and code that lead to a temporary
    password.

    The code and the link's token are secrets: the bodies hold placeholders for them.
    """
    t = partial(gettext_in, language)
    greeting = t("Hello {name},").format(name=first_name) if first_name else t("Hello,")
    code_mark, token_mark = placeholder("code"), placeholder("token")
    # The page behind the link answers in the mail's language.
    link = f"{portal_url.rstrip('/')}/reset?lang={language}&token={token_mark}"
    return _render(
        "password_reset",
        to,
        language,
        district,
        N_("Reset your parent portal password"),
        [
            greeting,
            t("Someone asked to reset the password of your parent portal account."),
            t("At the kiosk, enter this code: {code}").format(code=code_mark),
            t("Or open this link to get a new password:"),
            t("The code and the link work once and expire in {minutes} minutes.").format(
                minutes=minutes
            ),
            t("If you did not ask for this, ignore this mail: your password has not changed."),
        ],
        links={3: link},
        secrets={code_mark: code.upper(), token_mark: token},
    )


class PasswordEvent(StrEnum):
    """How a parent's password came to change (said in the mail that tells them)."""

    CHANGED = "changed"  # by the parent, in Preferences or the forced change
    RESET = "reset"  # with the code or the link of a reset mail
    SUPPORT = "support"  # a temporary password set by support staff


_HOW = {
    PasswordEvent.CHANGED: N_("The password of your parent portal account was just changed."),
    PasswordEvent.RESET: N_(
        "The password of your parent portal account was reset with the code or the link of a "
        "reset mail, and a temporary password was given."
    ),
    PasswordEvent.SUPPORT: N_(
        "District support staff gave your parent portal account a temporary password."
    ),
}


def password_changed(
    to: str,
    language: str,
    district: str,
    first_name: str,
    *,
    how: PasswordEvent,
    when: datetime,
    workstation: str,
) -> Mail:
    """The account's password changed or was reset (ASVS 6.3.7): how, when and where, so the
    owner notices one they did not make. It holds no secret."""
    t = partial(gettext_in, language)
    return _render(
        "password_changed",
        to,
        language,
        district,
        N_("Your parent portal password was changed"),
        [
            t("Hello {name},").format(name=first_name),
            t(_HOW[how]),
            t("When: {when}").format(when=format_datetime(when, "long", language)),
            t("Where: workstation {workstation}").format(workstation=workstation),
            t("Your other sessions were signed out."),
            t("If you did not do this, please contact the school's front office at once."),
        ],
    )
