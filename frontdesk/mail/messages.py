"""The mails frontdesk sends, rendered in the recipient's language with the district's name."""

from __future__ import annotations

from functools import partial
from html import escape

from frontdesk.i18n import N_, gettext_in
from frontdesk.mail.outbox import Mail


def _render(
    kind: str, to: str, language: str, district: str, subject: str, paragraphs: list[str]
) -> Mail:
    subject_text = f"{district}: {gettext_in(language, subject)}"
    text = "\n\n".join(paragraphs) + f"\n\n-- \n{district}\n"
    html = (
        f'<!doctype html><html lang="{escape(language)}"><body>'
        + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        + f"<p>— {escape(district)}</p></body></html>"
    )
    return Mail(kind, to, language, subject_text, text, html)


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
