"""Submission use cases: check, submit (with the per-call reference number), withdraw.

Services flush and audit; the request commits once (grants.unit_of_work). The time is read from the
one clock, grants/clock.py, at the moment of the request. Refusals are typed: `SubmissionRefused`
carries every blocker, `AlreadySubmitted` a second submission, `WithdrawalRefused` a late
withdrawal.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, update

from grants import clock, mail
from grants.audit import record
from grants.auth.queries import acting_members
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    StageStatus,
)
from grants.rules.problems import N_, Issue, Refused
from grants.rules.submission import (
    Blocker,
    check_submission,
)
from grants.rules.transitions import check_stage_transition
from grants.signals import stage_withdrawn
from grants.status import move_stage
from grants.submission.documents import defer_prerender
from grants.submission.queries import facts_for, live_receipt, may_withdraw, stage_of
from reports.receipt import (
    receipt_to_json,
)


class SubmissionRefused(Refused):
    """The application cannot be submitted now: `blockers` says every reason (the check page shows
    them)."""

    def __init__(self, blockers: list[Blocker]) -> None:
        super().__init__(
            issues=[Issue("", blocker.message, blocker.params) for blocker in blockers]
        )
        self.blockers = blockers


class AlreadySubmitted(Refused):
    """The stage was submitted already: a second POST gets a message, not a second number."""

    def __init__(self) -> None:
        super().__init__(
            N_("This application has already been submitted; it was not submitted again.")
        )


class WithdrawalRefused(Refused):
    """The decision is final, or the stage's status cannot move to withdrawn."""

    def __init__(self) -> None:
        super().__init__(N_("This application can no longer be withdrawn."))


def reference_for(call_reference: str, number: int) -> str:
    """'TTGS-2018-0007': four digits at least, more past 9999."""
    return f"{call_reference}-{number:04d}"


def _take_number(call: Call) -> int:
    """The call's next reference number, atomically: no gaps, no duplicates, also under
    concurrency."""
    number = db.session.execute(
        update(Call)
        .where(Call.id == call.id)
        .values(next_number=Call.next_number + 1)
        .returning(Call.next_number - 1)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.session.expire(call, ["next_number"])
    return number


def keep_submitted_version(application: Application, stage: ApplicationStage) -> None:
    """Keep what is submitted now (called by submit once the stage has its time and reference)."""
    stage.submitted_version = receipt_to_json(live_receipt(application, stage))


def submit(application: Application) -> Application:
    """Submit the current stage: every check again at this moment, then the reference number.

    A reopened stage submitted again keeps its reference; the stage counts its submissions and keeps
    the first one's time, and what is submitted now becomes the version staff and receipts see."""
    at = clock.now()
    stage = stage_of(application)
    if stage.status is not StageStatus.draft:
        raise AlreadySubmitted()
    blockers = check_submission(facts_for(application, stage), at)
    if blockers:
        raise SubmissionRefused(blockers)
    check_stage_transition(stage.status, StageStatus.submitted)
    db.session.flush()
    claimed = db.session.execute(
        update(ApplicationStage)
        .where(ApplicationStage.id == stage.id, ApplicationStage.status == StageStatus.draft)
        .values(
            status=StageStatus.submitted,
            submitted_at=at,
            requested_grant=application.requested_grant,
            first_submitted_at=func.coalesce(ApplicationStage.first_submitted_at, at),
            submissions=ApplicationStage.submissions + 1,
            reopened_at=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:  # another request submitted it a moment ago
        raise AlreadySubmitted()
    db.session.refresh(stage)
    if (
        application.number is None
    ):  # a restricted call's full application keeps the concept note's reference
        application.number = _take_number(application.call)
        application.reference = reference_for(application.call.reference, application.number)
    keep_submitted_version(application, stage)
    db.session.flush()
    defer_prerender(stage)  # its summary, rendered once the submission is committed
    resubmitted = stage.submissions > 1
    record(
        "application.resubmitted" if resubmitted else "application.submitted",
        application,
        before={"status": "draft"},
        after={
            "status": "submitted",
            "stage": stage.stage,
            "reference": application.reference,
            "submitted_at": at,
            "requested_grant": stage.requested_grant,
            "submission": stage.submissions,
            "first_submitted_at": stage.first_submitted_at,
        },
    )
    subject = (
        _l("Application %(reference)s received again", reference=application.reference)
        if resubmitted
        else _l("Application %(reference)s received", reference=application.reference)
    )
    notify(
        application,
        [application.lead_id, *(p.organisation_id for p in application.partners)],
        subject,
        "email/submission_received.txt",
        url_for("submission.confirmation", application_id=application.id, _external=True),
        stage=stage,
    )
    return application


def withdraw(application: Application, reason: str) -> Application:
    """Withdraw the current stage until a decision is final; partners are told."""
    stage = stage_of(application)
    if not may_withdraw(application):
        raise WithdrawalRefused()
    move_stage(
        stage,
        StageStatus.withdrawn,
        action="application.withdrawn",
        audited=application,
        after={"stage": stage.stage, "reason": reason},
    )
    stage.withdrawn_reason = reason
    db.session.flush()
    stage_withdrawn.send(
        application, stage=stage
    )  # awards gives an award back to the lot's budget at once
    notify(
        application,
        [p.organisation_id for p in application.partners],
        _l("Application %(name)s was withdrawn", name=application.reference or application.title),
        "email/submission_withdrawn.txt",
        url_for("applications.show", application_id=application.id, _external=True),
        reason=reason,
    )
    return application


def notify(
    application: Application,
    organisation_ids: list[int],
    subject,
    template: str,
    link: str,
    **context,
) -> None:
    """E-mail every member acting for the given organisations, each in their own language."""
    for member in acting_members(organisation_ids):
        mail.send(
            member.email,
            subject,
            template,
            locale=member.locale,
            about=application.id,
            member=member,
            application=application,
            call=application.call,
            link=link,
            **context,
        )
