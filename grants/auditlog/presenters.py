"""How the audit log words an event: what happened (its action, translated), and what changed (each
field of its before/after, with statuses named in the reader's language and times in the event's
zone)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from grants.awards.presenters import points
from grants.i18n import lazy_gettext as _l
from grants.i18n import local_time, money
from grants.labels import CALL_STATUS_LABELS as CALL_STATUS
from grants.labels import PARTNER_STATUS_LABELS, STAGE_LABELS
from grants.labels import STATUS_LABELS as APPLICATION_STATUS

ACTIONS = {
    # calls and grids
    "call.created": _l("Call created"),
    "call.updated": _l("Call settings changed"),
    "call.status_changed": _l("Call status changed"),
    "call.imported": _l("Call imported from a bundle"),
    "grid.updated": _l("Evaluation grid changed"),
    "call.ranked": _l("Ranking computed"),
    "call.overrides_discarded": _l("Decisions changed by staff discarded by a new ranking"),
    "call.full_applications_invited": _l(
        "Shortlisted applicants invited to send a full application"
    ),
    "call.finalised": _l("Decisions finalised"),
    # call documents, clarifications, corrigenda
    "call_document.uploaded": _l("Call document uploaded"),
    "call_document.replaced": _l("Call document replaced"),
    "call_document.removed": _l("Call document deleted"),
    "call_question.asked": _l("Question asked about the call"),
    "call_question.published": _l("Answer published on the call's questions and answers"),
    "corrigendum.published": _l("Corrigendum published"),
    # applications
    "application.started": _l("Application started"),
    "application.project_saved": _l("Project saved"),
    "application.budget_saved": _l("Budget saved"),
    "application.discarded": _l("Draft discarded"),
    "application.submitted": _l("Application submitted"),
    "application.resubmitted": _l("Application submitted again"),
    "application.reopened": _l("Application reopened for correction"),
    "application.withdrawn": _l("Application withdrawn"),
    "application.admissibility_checked": _l("Administrative and eligibility check recorded"),
    "application.invited_to_full_application": _l("Invited to send a full application"),
    "application.ranked": _l("Decision proposed by the ranking"),
    "attachment.uploaded": _l("Attachment uploaded"),
    "attachment.deleted": _l("Attachment deleted"),
    "attachment.replaced": _l("Attachment replaced"),
    # admissibility clarifications
    "admissibility_request.asked": _l("Document requested from the lead applicant"),
    "admissibility_request.answered": _l("Requested document uploaded by the lead applicant"),
    "admissibility_request.lapsed": _l("Document request lapsed: no answer by the deadline"),
    "admissibility_check.overridden": _l("Automatic check overridden by staff"),
    "admissibility_check.override_removed": _l("Override of an automatic check removed"),
    # decisions
    "decision.overridden": _l("Decision changed by staff"),
    "decision.promoted": _l("Promoted from the reserve list"),
    "decision.released": _l("Award of a withdrawn application given back to the budget"),
    "shortlist.overridden": _l("Shortlist changed by staff"),
    # evaluation
    "committee.member_added": _l("Committee member named"),
    "committee.member_removed": _l("Committee member removed"),
    "committee.impartiality_signed": _l("Committee member signed the declaration of impartiality"),
    "committee.minutes_recorded": _l("Committee minutes recorded"),
    "committee.report_approved": _l("Evaluation report approved by a committee member"),
    "committee.approvals_voided": _l(
        "Approvals of the evaluation report void: the committee's voting composition changed"
    ),
    "evaluation.pool_add": _l("Evaluator added to the pool"),
    "evaluation.pool_remove": _l("Evaluator removed from the pool"),
    "evaluation.impartiality_signed": _l("Declaration of impartiality and confidentiality signed"),
    "evaluation.assign": _l("Evaluator assigned"),
    "evaluation.unassign": _l("Assignment removed"),
    "evaluation.auto_assign": _l("Evaluators assigned automatically"),
    "evaluation.conflict_declared": _l("Conflict of interest declared or ruled out"),
    "evaluation.draft_saved": _l("Evaluation draft saved"),
    "evaluation.submitted": _l("Evaluation submitted"),
    "evaluation.final_score": _l("Final score settled"),
    "evaluation.no_evaluator_available": _l("No evaluator left to assign"),
    "evaluation.due_date": _l("Evaluation due date set"),
    # partners
    "propose_partner": _l("Partner proposed"),
    "remove_partner": _l("Partner removed"),
    "change_partner_role": _l("Partner's role changed"),
    "confirm_partnership": _l("Partnership confirmed"),
    "decline_partnership": _l("Partnership declined"),
    "void_confirmation": _l("Partner's confirmation voided"),
    "invite_partner": _l("Partner authority invited"),
    "resend_partner_invitation": _l("Partner invitation sent again"),
    "cancel_partner_invitation": _l("Partner invitation cancelled"),
    "accept_partner_invitation": _l("Partner invitation accepted"),
    "contact_partner": _l("Partner contacted"),
    # organisations and accounts
    "register": _l("Registered"),
    "register_invited": _l("Invited partner registered"),
    "update": _l("Profile changed"),
    "identity_changed": _l("Organisation's identity changed"),
    "verify": _l("Organisation verified"),
    "reject": _l("Registration rejected"),
    "merge": _l("Duplicate organisation merged"),
    "merge_in": _l("Duplicate organisation merged into this one"),
    "delete_invited": _l("Invited organisation deleted"),
    "verify_member": _l("Member verified"),
    "invite": _l("User invited"),
    "change_role": _l("Role changed"),
    "deactivate": _l("Account deactivated"),
    "reactivate": _l("Account reactivated"),
    "login": _l("Logged in"),
    "logout": _l("Logged out"),
    "logout_everywhere": _l("Logged out everywhere"),
    "confirm_email": _l("Email address confirmed"),
    "correct_email": _l("Email address corrected"),
    "change_password": _l("Password changed"),
    "set_password": _l("Password set"),
    "reminder_choices": _l("Reminder choices changed"),
    # exports
    "export.requested": _l("Export requested"),
    "export.finished": _l("Export made"),
    "export.failed": _l("Export failed"),
    "export.lost": _l("Export lost"),
    "export.retried": _l("Export retried"),
}
FIELDS = {
    "status": _l("Status"),
    "awarded_amount": _l("Awarded amount"),
    "final_score": _l("Final score"),
    "rank": _l("Rank"),
    "stage": _l("Stage"),
    "reference": _l("Reference"),
    "conflict": _l("Conflict of interest"),
    "ended_at": _l("Assignment ended"),
    "signed_at": _l("Signed"),
    "finalised_at": _l("Finalised"),
    "awarded_total": _l("Awarded in total"),
    "title": _l("Title"),
    "active": _l("Active"),
    "role": _l("Role"),
    "email": _l("Email address"),
    "name": _l("Name"),
    "deadline": _l("Deadline"),
    "due_at": _l("Due"),
    "applications": _l("Applications"),
    "replaced": _l("Replaced the call of the same reference"),
    "document": _l("Document"),
    "check": _l("Automatic check"),
    "met": _l("Met"),
    "computed_met": _l("Computed result: met"),
    "user": _l("User"),
    "approved_at": _l("Approved"),
    "meeting_date": _l("Date of the meeting"),
    "attendees": _l("Attendees"),
    "fingerprint": _l("Ranking approved (fingerprint)"),
    "approved_by": _l("Had approved the report"),
    "member_added": _l("Member named"),
    "member_removed": _l("Member removed"),
}
TEXTS = {
    "justification": _l("Justification"),
    "message": _l("Message"),
    "reason": _l("What the conflict is"),
    "reasons": _l("Reasons"),
    "decisions": _l("Decisions"),
    "error": _l("Error"),
}  # written by people (or the system): shown whole, on a line of their own
VALUES = {
    **APPLICATION_STATUS,
    **CALL_STATUS,
    **PARTNER_STATUS_LABELS,
    **STAGE_LABELS,
    "queued": _l("Waiting"),
    "running": _l("Running"),
    "finished": _l("Done"),
    "failed": _l("Failed"),
    "undeclared": _l("Not declared"),
    "no_conflict": _l("No conflict of interest"),
    "conflict": _l("Conflict of interest"),
    "open": _l("Open: waiting for the lead"),
    "answered": _l("Answered"),
    "lapsed": _l("Lapsed: the deadline passed without an answer"),
}
OBJECTS = {
    "User": _l("User"),
    "Organisation": _l("Organisation"),
    "ReportJob": _l("Export"),
    "Call": _l("Call"),
    "Grid": _l("Evaluation grid"),
    "CallEvaluator": _l("Evaluator of the call"),
    "CommitteeMember": _l("Committee member"),
    "CommitteeMinutes": _l("Committee minutes"),
}
NAMED = {"status", "stage", "conflict"}  # fields whose values are named in VALUES
MONEY = {
    "awarded_amount",
    "awarded_total",
    "requested_grant",
    "from_amount",
    "to_amount",
    "total_budget",
}
SCORES = {"final_score"}
LONGEST = 160  # characters of a value shown


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the event has no "before" for it
    after: str | None


def action_label(action: str) -> str:
    return str(ACTIONS[action]) if action in ACTIONS else action


def object_label(object_type: str, object_id: str | None) -> str:
    """What an event that concerns no call or application is about, e.g. "User 12"."""
    name = str(OBJECTS[object_type]) if object_type in OBJECTS else object_type
    return f"{name} {object_id}" if object_id else name


def changes(
    before: dict | None, after: dict | None, zone: str, currency: str = "EUR"
) -> list[Change]:
    """The fields the event recorded, the ones that changed first; texts people wrote come apart
    (texts())."""
    before, after = before or {}, after or {}
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in TEXTS]
    shown = [
        Change(
            _field(k),
            _value(k, before[k], zone, currency) if k in before else None,
            _value(k, after[k], zone, currency) if k in after else None,
        )
        for k in keys
    ]
    return sorted(shown, key=lambda c: c.before is None or c.before == c.after)


def texts(before: dict | None, after: dict | None) -> list[tuple[str, str]]:
    found = []
    for key, label in TEXTS.items():
        value = (after or {}).get(key) or (before or {}).get(key)
        if value:
            found.append(
                (str(label), "; ".join(map(str, value)) if isinstance(value, list) else str(value))
            )
    return found


def _field(key: str) -> str:
    return str(FIELDS[key]) if key in FIELDS else key.replace("_", " ")


def _value(key: str, value: Any, zone: str, currency: str) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if key in MONEY | SCORES and isinstance(value, str | int):
        try:
            amount = Decimal(value)
        except InvalidOperation:
            pass
        else:
            return money(amount, currency) if key in MONEY else points(amount)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key in NAMED and isinstance(value, str):
        return str(VALUES.get(value, value))
    if key.endswith("_at") and isinstance(value, str):
        try:
            return local_time(datetime.fromisoformat(value), zone, "short")
        except ValueError:
            pass
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= LONGEST else text[:LONGEST] + "…"
