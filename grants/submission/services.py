"""Submission use cases: check, submit (with the per-call reference number), withdraw.

Services flush and audit; the request commits once (grants.unit_of_work). The time is read from the
one clock, grants/clock.py, at the moment of the request. Refusals are typed: `SubmissionRefused`
carries every blocker, `AlreadySubmitted` a second submission, `WithdrawalRefused` a late
withdrawal.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select, update

from grants import clock, mail
from grants.applications.access import current_stage
from grants.applications.budget import rule_lines
from grants.applications.services import first_stage, not_withdrawn
from grants.audit import record
from grants.auth.services import acting_members
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Application,
    ApplicationStage,
    AttachmentKind,
    Call,
    CallStatus,
    Procedure,
    Stage,
    StageStatus,
)
from grants.partners.pending import awaiting_registration
from grants.rules.problems import N_, Issue, Refused
from grants.rules.submission import (
    REQUIRED_FIELDS,
    Blocker,
    PartnerFacts,
    SubmissionFacts,
    check_submission,
)
from grants.rules.transitions import allowed_stage_transitions, check_stage_transition
from grants.signals import stage_withdrawn
from grants.status import move_stage
from grants.submission.versions import keep_submitted_version, submitted_receipt
from reports.receipt import Receipt


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


def receipt_for(application: Application) -> Receipt:
    """The plain data of the submission receipt: the last submitted version
    (grants.submission.versions)."""
    return submitted_receipt(application, stage_of(application))
