"""How staff screens name the domain's states (English msgids, translated when shown).

Parents see their own wording of link states (``screens/kiosk/common.py``).
"""

from __future__ import annotations

from frontdesk.db.models import AccountStatus, LinkStatus
from frontdesk.i18n import N_

LINK_STATUSES = {
    LinkStatus.PENDING: N_("waiting"),
    LinkStatus.APPROVED: N_("approved"),
    LinkStatus.DENIED: N_("denied"),
    LinkStatus.REVOKED: N_("revoked"),
}

ACCOUNT_STATUSES = {
    AccountStatus.PENDING: N_("waiting for the photo-ID check"),
    AccountStatus.ACTIVE: N_("active"),
    AccountStatus.DENIED: N_("denied"),
    AccountStatus.DISABLED: N_("disabled"),
}
