"""Reopening a submitted application to correct it before the deadline (docs/domain.md 3).

The lead reopens the current stage: it becomes a draft again and keeps its reference; partner
confirmations stay valid unless what they confirmed changes; staff still see the last submitted
version (grants.submission.queries). It counts only if submitted again before the stage's
deadline. Refused after the deadline, after withdrawal, once the staff's check has started, and
for a stage already reopened. The claim is one conditional UPDATE (status still submitted and the
deadline still ahead), so a double click or a race with a staff decision or the deadline reopens
once. Reopening clears submitted_at: every list, count, check, ranking, letter and export that reads
submitted stages leaves it out, as not submitted; the last submission's time and content stay in
submitted_version.
(Whether the lead may reopen now: grants.submission.queries.refusal.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import url_for
from sqlalchemy import exists, select, update

from grants import clock
from grants.applications.access import current_stage
from grants.audit import record
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    Stage,
    StageStatus,
)
from grants.rules.problems import N_, Refused
from grants.rules.transitions import check_stage_transition
from grants.submission.queries import Refusal, refusal
from grants.submission.services.submit import notify

MESSAGES = {
    Refusal.not_submitted: N_(
        "This application has not been submitted: there is nothing to reopen."
    ),
    Refusal.already_reopened: N_(
        "This application is already reopened: correct it and submit it again before the deadline."
    ),
    Refusal.withdrawn: N_("This application was withdrawn: it can no longer be reopened."),
    Refusal.checked: N_(
        "Programme staff have started checking this application: it can no longer be reopened."
    ),
    Refusal.deadline: N_(
        "The deadline has passed: a submitted application can no longer be reopened."
    ),
}


class ReopenRefused(Refused):
    """Why the stage cannot be reopened: `refusal`, and its message (MESSAGES)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(MESSAGES[refusal])
        self.refusal = refusal


def reopen(
    application: Application, *, now: Callable[[], datetime] = clock.now
) -> ApplicationStage:
    """Make the submitted stage a draft again; the lead's and partners' members are told by e-mail.
    The clock `now` is read twice: for the check, then for the conditional UPDATE."""
    found = refusal(application, now)
    if found is not None:
        raise ReopenRefused(found)
    at = now()
    stage = current_stage(application)
    check_stage_transition(stage.status, StageStatus.draft)
    last_submitted = stage.submitted_at
    deadline = Call.concept_note_deadline if stage.stage is Stage.concept_note else Call.deadline
    claimed = db.session.execute(
        update(ApplicationStage)
        .where(
            ApplicationStage.id == stage.id,
            ApplicationStage.status == StageStatus.submitted,
            exists(select(Call.id).where(Call.id == application.call_id, deadline > at)),
        )
        .values(status=StageStatus.draft, reopened_at=at, submitted_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:  # reopened a moment ago, checked by staff, or the deadline passed meanwhile
        db.session.refresh(stage)
        raise ReopenRefused(refusal(application, now) or Refusal.checked)
    db.session.refresh(stage)
    call = application.call
    record(
        "application.reopened",
        application,
        before={"status": "submitted"},
        after={
            "status": "draft",
            "stage": stage.stage,
            "reference": application.reference,
            "reopened_at": at,
            "deadline": call.submission_deadline(stage.stage),
            "last_submitted_at": last_submitted,
        },
    )
    link = url_for("applications.show", application_id=application.id, _external=True)
    subject = _l(
        "Application %(reference)s reopened: submit it again before the deadline",
        reference=application.reference,
    )
    notify(
        application,
        [application.lead_id, *(p.organisation_id for p in application.partners)],
        subject,
        "email/submission_reopened.txt",
        link,
        stage=stage,
        deadline=call.submission_deadline(stage.stage),
    )
    return stage
