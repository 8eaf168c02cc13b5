"""Submission as the reader sees it: the blockers (the sentence in their language and the page that
fixes it), and the submission's part of the application pages (SubmissionView).

The application pages (applications.show, the locked page of grants.applications.access) are the
applications package's, which imports nothing of submission: their templates ask
`submission_view(...)`, a template global that submission's blueprint registers
(grants/submission/routes.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from flask import url_for
from flask_babel import gettext as _

from grants.applications.access import current_stage
from grants.applications.budget import problem_message
from grants.i18n import local_time
from grants.models import Application
from grants.partners.presenters import describe
from grants.rules.budget import BudgetTotals
from grants.rules.submission import Blocker
from grants.submission.queries import is_reopened, may_reopen, may_withdraw, receipt_for
from reports.receipt import Receipt

FIXES = {
    "project": "applications.project",
    "budget": "applications.budget",  # where each blocker is fixed
    "partnership": "partners.partnership",
    "logframe": "logframe.edit",
    "attachments": "submission.attachments",
}


def blocker_text(blocker: Blocker, application: Application, totals: BudgetTotals) -> str:
    """The blocker in the reader's language; eligibility and money problems read as on their own
    pages."""
    call = application.call
    if blocker.problem is not None and blocker.fix == "budget":
        return problem_message(blocker.problem, totals, call.budget_limits())
    if blocker.problem is not None:
        names = {str(application.lead_id): application.lead.name}
        names |= {str(p.organisation_id): p.organisation.name for p in application.partners}
        return describe(blocker.problem, names)
    params = {
        k: local_time(v, call.timezone) if isinstance(v, datetime) else v
        for k, v in blocker.params.items()
    }
    return _(blocker.message, **params)


def fix_url(fix: str, application: Application, anchor: str = "") -> str:
    if fix == "call":
        return url_for("public.call", reference=application.call.reference)
    if fix == "dashboard":
        return url_for("applications.dashboard")
    return url_for(FIXES[fix], application_id=application.id, _anchor=anchor or None)


class SubmissionView(NamedTuple):
    """What the application pages show of the submission: the lead's reopen and withdraw links, and
    for staff the last submitted version while the lead corrects a reopened application (None
    otherwise)."""

    reopenable: bool
    withdrawable: bool
    version: Receipt | None


def submission_view(
    application: Application, lead_view: bool = False, staff_view: bool = False
) -> SubmissionView:
    return SubmissionView(
        reopenable=lead_view and may_reopen(application),
        withdrawable=lead_view and may_withdraw(application),
        version=receipt_for(application)
        if staff_view and is_reopened(current_stage(application))
        else None,
    )
