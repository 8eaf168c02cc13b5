"""What was submitted: the receipt's data kept at each submission, and the reopened state.

At each submission the stage keeps what was submitted (`submitted_version`, the receipt's data as
JSON): organisation names and countries, project texts, partners, budget lines and totals, files.
The receipt, the application summaries and the staff's view of a reopened application read it, so
that they show the last submitted version, never the draft being corrected nor a later rename.
"""

from __future__ import annotations

import enum
from dataclasses import replace
from datetime import datetime

from grants.applications.budget import rule_lines
from grants.models import Application, ApplicationStage, Organisation, StageStatus
from grants.rules.budget import compute_totals, line_total
from reports.receipt import (
    Receipt,
    ReceiptFile,
    ReceiptIndicator,
    ReceiptLine,
    ReceiptParty,
    ReceiptResult,
    receipt_from_json,
    receipt_to_json,
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


def keep_submitted_version(application: Application, stage: ApplicationStage) -> None:
    """Keep what is submitted now (called by submit once the stage has its time and reference)."""
    stage.submitted_version = receipt_to_json(live_receipt(application, stage))


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
