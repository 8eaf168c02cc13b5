"""The words of the oversight page."""

from __future__ import annotations

from grants.i18n import lazy_gettext as _l

GROUPS = {
    "calls": _l("Per call"),
    "lots": _l("Per lot"),
    "provinces": _l("Per province of the lead"),
    "partner_countries": _l("Per partner country"),
}
DUE_LABELS = {
    "interim_report": _l("Interim report"),
    "final_report": _l("Final report"),
    "prefinancing": _l("Pre-financing"),
    "balance": _l("Balance payment"),
    "recovery": _l("Recovery"),
    "due": _l("Due"),
    "overdue": _l("Overdue"),
}
