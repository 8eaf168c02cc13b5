"""Names shown for the statuses of calls and applications (grants/rules/transitions.py declares
them) and of grants (grants/rules/grant_status.py), stages, budget headings and task states
(translated), in one place."""

from __future__ import annotations

from grants.i18n import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "admissible": _l("Admissible"),
    "inadmissible": _l("Inadmissible"),
    "evaluated": _l("Evaluated"),
    "shortlisted": _l("Shortlisted"),
    "not_shortlisted": _l("Not shortlisted"),
    "awarded": _l("Awarded"),
    "reserve": _l("Reserve list"),
    "not_selected": _l("Not selected"),
    "below_threshold": _l("Below threshold"),
    "withdrawn": _l("Withdrawn"),
}
CALL_STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "evaluation": _l("Evaluation"),
    "decided": _l("Decided"),
    "closed": _l("Closed"),
}
GRANT_STATUS_LABELS = {
    "draft": _l("Draft contract"),
    "sent": _l("Sent for signature"),
    "signed": _l("Signed by the lead"),
    "in_force": _l("In force"),
    "closed": _l("Closed"),
    "terminated": _l("Terminated"),
}
STAGE_LABELS = {"concept_note": _l("Concept note"), "full_application": _l("Full application")}
PARTNER_STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "confirmed": _l("Confirmed"),
    "declined": _l("Declined"),
}
HEADING_LABELS = {
    1: _l("1 Human resources"),
    2: _l("2 Travel"),
    3: _l("3 Equipment and supplies"),
    4: _l("4 Local office"),
    5: _l("5 Other costs and services"),
    6: _l("6 Other"),
}
TASK_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
}


def _label(table: dict, value) -> str:
    key = getattr(value, "value", value)
    return str(table.get(key, key))


def application_status(value) -> str:
    return _label(STATUS_LABELS, value)


def call_status(value) -> str:
    return _label(CALL_STATUS_LABELS, value)


def stage_name(value) -> str:
    return _label(STAGE_LABELS, value)


def partner_status(value) -> str:
    return _label(PARTNER_STATUS_LABELS, value)


def heading_name(value) -> str:
    return _label(HEADING_LABELS, value)


def task_status(value) -> str:
    return _label(TASK_LABELS, value)


FILTERS = {
    "application_status": application_status,
    "stage_name": stage_name,
    "partner_status": partner_status,
    "heading_name": heading_name,
    "task_status": task_status,
}
