"""Submission as read: the stage being worked on, the facts the submission rules check and what
still blocks a submission, whether the lead may withdraw or reopen, the upload slots and stored
files, and what was submitted.

At each submission the stage keeps what was submitted (`submitted_version`, the receipt's data as
JSON, kept by services/submit.py): organisation names and countries, project texts, partners,
budget lines and totals, files. The receipt, the application summaries and the staff's view of a
reopened application read it, so that they show the last submitted version, never the draft being
corrected nor a later rename.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from grants import clock
from grants.applications.access import current_stage
from grants.applications.budget import rule_lines
from grants.applications.queries.starting import first_stage, not_withdrawn
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    AttachmentKind,
    Call,
    CallStatus,
    Organisation,
    Procedure,
    Stage,
    StageStatus,
)
from grants.partners.queries import awaiting_registration
from grants.rules.budget import compute_totals, line_total
from grants.rules.submission import (
    REQUIRED_FIELDS,
    Blocker,
    PartnerFacts,
    SubmissionFacts,
    check_submission,
)
from grants.rules.transitions import allowed_stage_transitions
from reports.receipt import (
    Receipt,
    ReceiptFile,
    ReceiptIndicator,
    ReceiptLine,
    ReceiptParty,
    ReceiptResult,
    receipt_from_json,
)


def stage_of(application: Application) -> ApplicationStage:
    """The stage being worked on; a draft stage of the call's first kind if none exists yet."""
    stage = current_stage(application)
    if stage is None:
        stage = ApplicationStage(stage=first_stage(application.call), status=StageStatus.draft)
        application.stages.append(stage)
    return stage


def is_submitted(application: Application) -> bool:
    stage = current_stage(application)
    return stage is not None and stage.submitted_at is not None


def other_applications(application: Application) -> int:
    """The lead's other applications in this call that are not withdrawn (drafts count)."""
    return db.session.scalar(
        select(func.count(Application.id)).where(
            Application.call_id == application.call_id,
            Application.lead_id == application.lead_id,
            Application.id != application.id,
            not_withdrawn(),
        )
    )


def accepts_submissions(call: Call, stage: ApplicationStage) -> bool:
    """A published call does; a restricted call's full applications also while its concept notes are
    in evaluation (it may go to evaluation at the concept-note deadline; the full-application
    deadline still holds)."""
    if call.status is CallStatus.published:
        return True
    return (
        call.procedure is Procedure.restricted
        and stage.stage is Stage.full_application
        and call.status is CallStatus.evaluation
    )


def facts_for(application: Application, stage: ApplicationStage) -> SubmissionFacts:
    call: Call = application.call
    statements = {
        a.organisation_id
        for a in application.attachments
        if a.kind is AttachmentKind.partnership_statement
    }
    return SubmissionFacts(
        stage=stage.stage.value,
        call_published=accepts_submissions(call, stage),
        opens_at=call.opens_at,
        deadline=call.submission_deadline(stage.stage) or call.deadline,
        has_lots=bool(call.lots),
        lot_chosen=application.lot_id is not None,
        fields={name: getattr(application, name) for name in REQUIRED_FIELDS},
        lead=application.lead.party(),
        partners=[
            PartnerFacts(
                p.organisation.party(),
                p.organisation.name,
                p.status.value,
                p.organisation_id in statements,
                registered=not awaiting_registration(p.organisation),
                verified=p.organisation.verified,
            )
            for p in application.partners
        ],
        has_declaration=any(a.kind is AttachmentKind.declaration for a in application.attachments),
        rules=call.eligibility_rules(),
        limits=call.budget_limits(),
        lines=rule_lines(application),
        indirect=application.indirect,
        contingency=application.contingency,
        requested_grant=application.requested_grant,
        other_applications=other_applications(application),
        logframe_required=call.logframe_required,
        results=application.logframe(),
    )


def blockers_for(application: Application) -> list[Blocker]:
    """Every reason the application cannot be submitted right now."""
    return check_submission(facts_for(application, stage_of(application)), clock.now())


def may_withdraw(application: Application) -> bool:
    """Once submitted, until the call's decision is final and while the stage is not in a terminal
    state (a draft never submitted is discarded instead)."""
    stage = current_stage(application)
    return (
        stage is not None
        and application.number is not None
        and application.call.finalised_at is None
        and StageStatus.withdrawn in allowed_stage_transitions(stage.status)
    )


def receipt_for(application: Application) -> Receipt:
    """The plain data of the submission receipt: the last submitted version
    (grants.submission.queries)."""
    return submitted_receipt(application, stage_of(application))


class Refusal(enum.Enum):
    not_submitted = "not_submitted"
    already_reopened = "already_reopened"
    withdrawn = "withdrawn"
    checked = "checked"
    deadline = "deadline"


def refusal(application: Application, now: Callable[[], datetime] = clock.now) -> Refusal | None:
    """Why the lead may not reopen the current stage now (by the clock `now`); None when it may."""
    stage = current_stage(application)
    if is_reopened(stage):
        return Refusal.already_reopened
    if stage is None or stage.submitted_at is None:
        return Refusal.not_submitted
    if stage.status is StageStatus.withdrawn:
        return Refusal.withdrawn
    if stage.status is not StageStatus.submitted:
        return Refusal.checked
    call = application.call
    if not accepts_submissions(call, stage) or now() >= call.submission_deadline(stage.stage):
        return Refusal.deadline
    return None


def may_reopen(application: Application) -> bool:
    return refusal(application) is None


DECLARATION = "declaration"

ANNEX = "annex"

STATEMENT = "statement-"


def slots(application: Application) -> list[tuple[str, str]]:
    """The documents that can be uploaded: (choice value, label) for the form's select."""
    return (
        [(DECLARATION, _("Signed declaration of the lead applicant (PDF)"))]
        + [
            (
                f"{STATEMENT}{p.organisation_id}",
                _("Partnership statement of %(name)s (PDF)", name=p.organisation.name),
            )
            for p in application.partners
        ]
        + [(ANNEX, _("Other annex (PDF, PNG, JPEG, DOCX, XLSX or ODT)"))]
    )


class SubmissionState(enum.Enum):
    """Where a stage stands for the applicant, beyond its status."""

    # reopened for correction: not submitted unless submitted again before the deadline
    reopened = "reopened"
    lapsed = (
        "lapsed"  # reopened and not submitted again before the deadline: counts as not submitted
    )


def is_reopened(stage: ApplicationStage | None) -> bool:
    return stage is not None and stage.status is StageStatus.draft and stage.reopened_at is not None


def submission_state(
    application: Application, stage: ApplicationStage | None, now: datetime
) -> SubmissionState | None:
    if not is_reopened(stage):
        return None
    deadline = application.call.submission_deadline(stage.stage)
    return SubmissionState.lapsed if now >= deadline else SubmissionState.reopened


def live_receipt(application: Application, stage: ApplicationStage) -> Receipt:
    """The receipt's data read from the application as it is now (at submission: what is
    submitted)."""
    names = {application.lead_id: application.lead.name} | {
        p.organisation_id: p.organisation.name for p in application.partners
    }
    lines = rule_lines(application)
    return Receipt(
        call_reference=application.call.reference,
        call_title=application.call.title,
        timezone=application.call.timezone,
        currency=application.call.currency,
        reference=application.reference,
        stage=stage.stage.value,
        submitted_at=stage.submitted_at,
        lot=f"{application.lot.code} – {application.lot.name}" if application.lot else "",
        title=application.title,
        acronym=application.acronym,
        theme=application.theme,
        summary=application.summary,
        start_month=application.start_month,
        duration_months=application.duration_months,
        lead=_party(application.lead),
        partners=[_party(p.organisation, p.role, p.confirmed_at) for p in application.partners],
        lines=[
            ReceiptLine(
                line.heading,
                line.description,
                names.get(line.organisation_id, ""),
                line.unit,
                line.quantity,
                line.unit_cost,
                line_total(plain),
                line.organisation_id,
            )
            for line, plain in zip(application.budget_lines, lines)
        ],
        totals=compute_totals(
            lines, application.indirect, application.contingency, application.requested_grant
        ),
        files=[
            ReceiptFile(a.kind.value, a.original_name, a.size, names.get(a.organisation_id, ""))
            for a in sorted(application.attachments, key=lambda a: (a.kind.value, a.id))
        ],
        objectives=application.objectives,
        activities=application.activities,
        expected_results=application.expected_results,
        overall_objective=application.overall_objective,
        specific_objective=application.specific_objective,
        results=[
            ReceiptResult(
                r.text,
                [
                    ReceiptIndicator(i.description, i.unit, i.baseline, i.target, i.source)
                    for i in r.indicators
                ],
            )
            for r in application.results
        ],
        first_submitted_at=stage.first_submitted_at or stage.submitted_at,
        submissions=max(stage.submissions, 1),
    )


def _party(org: Organisation, role: str = "", confirmed_at: datetime | None = None) -> ReceiptParty:
    return ReceiptParty(
        org.name, org.country, role, confirmed_at, org.id, org.type.value, org.region
    )


def submitted_receipt(application: Application, stage: ApplicationStage) -> Receipt:
    """The last submitted version, with the stage's state now (withdrawn, reopened) for the
    printout.

    Stages submitted before versions were kept were never reopened: the application is that
    version."""
    kept = stage.submitted_version
    receipt = receipt_from_json(kept) if kept else live_receipt(application, stage)
    return replace(
        receipt,
        withdrawn=stage.status is StageStatus.withdrawn,
        reopened_at=stage.reopened_at if is_reopened(stage) else None,
    )
