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
GRANT_STATUSES = {
    "draft": _l("Draft contract"),
    "sent": _l("Sent for signature"),
    "signed": _l("Signed, waiting for the countersignature"),
    "in_force": _l("In force"),
    "closed": _l("Closed"),
    "terminated": _l("Terminated"),
}
