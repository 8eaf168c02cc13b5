"""The words of the payments pages: the names of the schedule's kinds and states (template globals,
registered by grants/templating.py)."""

from __future__ import annotations

from grants.i18n import lazy_gettext as _l

ITEM_KINDS = {
    "prefinancing": _l("Pre-financing"),
    "balance": _l("Balance"),
    "recovery": _l("Recovery"),
}
ITEM_STATUSES = {
    "paid": _l("Paid"),
    "recorded": _l("Recorded, waiting for authorisation"),
    "due": _l("Due"),
    "overdue": _l("Overdue"),
    "not_yet_due": _l("Not yet due: the contract is not in force"),
    "waiting_report": _l("Waiting for the previous period's interim report"),
    "waiting_condition": _l("Waiting for the 70 per cent condition (accepted costs)"),
    "waiting_final": _l("After the final report: the final amount decides"),
    "replaced": _l("Not paid: replaced by the balance"),
    "nothing": _l("Nothing to pay"),
}
PAYMENT_STATUSES = {
    "recorded": _l("Waiting for authorisation"),
    "authorised": _l("Authorised"),
    "cancelled": _l("Cancelled"),
}
# Bootstrap badge colours of the schedule's states
ITEM_TONES = {
    "paid": "success",
    "recorded": "info",
    "due": "warning",
    "overdue": "danger",
}


def item_status(item) -> str:
    """A state's name; a recovery's "paid" reads "Recovered"."""
    if item.status.value == "paid" and item.kind.value == "recovery":
        return str(_l("Recovered"))
    return str(ITEM_STATUSES[item.status.value])
