"""The words of the amendments pages: kinds and statuses of a request, the grant's status."""

from __future__ import annotations

from grants.i18n import lazy_gettext as _l

KINDS = {
    "end_date": _l("Later end date"),
    "budget": _l("Budget change"),
    "partner": _l("Partner change"),
}
STATUSES = {
    "requested": _l("Waiting for a decision"),
    "approved": _l("Approved"),
    "refused": _l("Refused"),
    "withdrawn": _l("Withdrawn"),
}
