"""What one parent typed on a kiosk screen and was shown there: a screen keeps it in one
``Visit`` that is replaced whole when the visit ends (``KioskScreen.reset``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from frontdesk.i18n import Msg
from frontdesk.services.kiosk import HumanChallenge


class HumanDraft(BaseModel):
    """The human check's part of a form (R7)."""

    human_ticked: bool = False
    human_answer: str = ""


@dataclass(eq=False)
class Visit:
    """What one person typed on a screen and was shown there, from when it is shown until
    they leave it. A screen keeps all of that here and nowhere else, so that replacing this
    object (``KioskScreen.reset``) forgets all of it: a field added later cannot be missed.
    Screens that show more extend it. Compared by identity: a service's answer lands only on
    the visit that asked for it (``BaseScreen.run_service``)."""

    draft: BaseModel | None = None
    """What the person typed: inputs whose id names one of its fields write into it as they
    change, and ``compose_body`` reads from it."""
    errors: dict[str, Msg] = field(default_factory=dict)
    """The message beside each field, by field name."""
    notice: Msg | None = None
    """A message about the whole form (a neutral miss, a rate limit), shown above it."""
    challenge: HumanChallenge | None = None
    """The human check's question, drawn when first asked and kept across language switches."""
    shown_at: float | None = None
    """When the screen was first shown in this visit (the human check's minimum time, R7)."""
