"""The admissibility and eligibility check: the decision (its checks as staff read them:
presenters.py).

The automatic checks are the submission conditions (grants.rules.submission) evaluated on the
submitted application at its submission time, so "the call accepts submissions now" becomes
"submitted before the deadline". The decision issues a letter (numbered in the call's register,
grants.letters.register) that is e-mailed to the lead's members; when the lead has nobody who can
receive it, the letter waits on the list of letters to send by post. Services flush and audit; the
request commits once (grants.unit_of_work).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask import url_for
from sqlalchemy import update
from werkzeug.datastructures import FileStorage

from grants import clock
from grants.admissibility.presenters import (  # MANUAL_CHECKS, locked_reason: the check's terms
    MANUAL_CHECKS,  # noqa: F401
    SETTINGS_MISSING,
    automatic_checks,
    locked_reason,  # noqa: F401
    manual_checks,
)
from grants.admissibility.queries import lock, requests_of
from grants.audit import record
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.letters import register
from grants.models import (
    AdmissibilityRequest,
    Application,
    ApplicationStage,
    Attachment,
    CheckOverride,
    LetterKind,
    RequestStatus,
    StageStatus,
    User,
)
from grants.models.base import now_utc
from grants.rules.admissibility_requests import (
    OverrideRefused,
    RequestRefused,
    RequestState,
    check_answer,
    check_decidable,
    check_override,
    check_request,
    due_at,
    state_of,
)
from grants.rules.problems import N_, Refused
from grants.rules.transitions import InvalidTransition, check_stage_transition
from grants.settings.services import letterhead, missing
from grants.submission import attachments
from grants.submission.services import notify
from reports.letters import Letter


class DecisionRefused(Refused):
    """The decision breaks a rule; on the decision field unless it names another
    (`further_reasons`)."""

    field = "decision"


def _refuse_locked(stage: ApplicationStage) -> None:
    locked = lock(stage)
    if locked:
        raise DecisionRefused(locked)
    absent = missing()
    if absent:
        raise DecisionRefused(SETTINGS_MISSING, names=", ".join(absent))


def decide(
    stage: ApplicationStage,
    outcome: str,
    ticked: set[str],
    further: str,
    user_id: int | None = None,
) -> register.Delivery:
    """Record the check's outcome with its reasons, audit it, and issue the letter that tells the
    lead applicant (e-mailed to its members, if it has any); how the lead was told.

    A decision may change while the check may still change (no evaluator assigned, the call's
    decisions not final): admissible and inadmissible then move to each other
    (grants.rules.transitions)."""
    _refuse_locked(stage)
    _lapse(stage, clock.now(), user_id)
    unmet = [m for check in automatic_checks(stage) + manual_checks(ticked) for m in check.messages]
    new = StageStatus(outcome)
    if new is StageStatus.admissible and unmet:
        raise DecisionRefused(
            N_("An application is admissible only when every check is met; %(count)d not met."),
            count=len(unmet),
        )
    reasons = unmet + ([further] if further else []) if new is StageStatus.inadmissible else []
    if new is StageStatus.inadmissible and not reasons:
        raise DecisionRefused(
            N_(
                "Every check is met: give at least one reason for finding the application "
                "inadmissible."
            ),
            field="further_reasons",
        )
    if new is not stage.status:  # the same outcome again only changes its reasons
        try:
            check_stage_transition(stage.status, new)
        except InvalidTransition as error:
            raise DecisionRefused(
                N_("This application cannot take that decision."), field=""
            ) from error
    before = {"status": stage.status, "reasons": list(stage.inadmissible_reasons or [])}
    db.session.flush()
    # still as read: not reopened by its lead nor decided by a colleague meanwhile
    claimed = db.session.execute(
        update(ApplicationStage)
        .where(ApplicationStage.id == stage.id, ApplicationStage.status == stage.status)
        .values(status=new, inadmissible_reasons=reasons)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise DecisionRefused(
            N_(
                "The application changed while you were checking it (its lead may have reopened "
                "it to correct it): the check was not recorded."
            )
        )
    db.session.refresh(stage)
    application = stage.application
    record(
        "application.admissibility_checked",
        application,
        before=before,
        after={
            "stage": stage.stage,
            "status": new,
            "reasons": reasons,
            "manual_checks": sorted(ticked),
        },
        user_id=user_id,
    )
    return _notify(application, stage, user_id)


def result_letter(application: Application, stage: ApplicationStage, date: datetime) -> Letter:
    """The letter of the check's result, as the lead applicant receives it (not numbered yet)."""
    call = application.call
    kept = (
        stage.submitted_version or {}
    )  # as submitted: a later rename of the lead never reaches the letter
    lead = kept.get("lead") or {"name": application.lead.name, "country": application.lead.country}
    lot = application.lot
    return Letter(
        kind="admissibility",
        call_reference=call.reference,
        call_title=call.title,
        currency=call.currency,
        timezone=call.timezone,
        date=date,
        reference=application.reference,
        title=kept.get("title", application.title),
        lead_name=lead["name"],
        lead_country=lead["country"],
        lead_address=application.lead.address or "",
        lot_name=f"{lot.code} – {lot.name}" if lot else "",
        stage=stage.stage.value,
        outcome=stage.status.value,
        requested_grant=stage.requested_grant_or_application,
        inadmissible_reasons=tuple(stage.inadmissible_reasons or ()),
        letterhead=letterhead(),
        complaint_days=call.complaint_days,
        complaint_by=register.complaint_by(call, date),
    )


def _notify(
    application: Application, stage: ApplicationStage, user_id: int | None
) -> register.Delivery:
    """Issue the result letter and e-mail it to every member acting for the lead, each in their own
    language."""
    issued = register.issue(
        application.call,
        LetterKind.admissibility,
        [(stage, result_letter(application, stage, now_utc()))],
        user_id,
    )
    subject = _l(
        "Application %(reference)s: result of the administrative and eligibility check",
        reference=application.reference,
    )
    return register.email(
        issued,
        register.lead_members([application.lead_id]),
        lambda letter: subject,
        f"email/admissibility_{stage.status.value}.txt",
        application=application,
        call=application.call,
        stage=stage,
        link=url_for("applications.show", application_id=application.id, _external=True),
    )


# Document requests and overrides (domain.md 4: admissibility clarifications) ---------------------


def _requested(application: Application, choice: str) -> tuple[str, int | None]:
    """The stored document and organisation of a choice of presenters.document_choices."""
    if choice in ("declaration", "other"):
        return choice, None
    partners = {f"statement-{p.organisation_id}": p.organisation_id for p in application.partners}
    if choice not in partners:
        raise RequestRefused(N_("Choose the document you ask for."), field="document")
    return "partnership_statement", partners[choice]


def ask(
    stage: ApplicationStage,
    choice: str,
    other: str,
    message: str,
    day: date | None,
    user_id: int | None,
    now: Callable[[], datetime] = clock.now,
) -> AdmissibilityRequest:
    """Ask the lead applicant for a missing or defective document by the end of `day` (the call's
    local calendar); audit it and e-mail the lead's members, each in their language."""
    locked = lock(stage)
    if locked:
        raise RequestRefused(locked)
    application = stage.application
    call = application.call
    document, organisation_id = _requested(application, choice)
    other = other.strip() if document == "other" else ""
    at = now()
    issues = check_request(at, day, call.timezone, document, other, message.strip())
    if issues:
        raise RequestRefused(issues=issues)
    request = AdmissibilityRequest(
        stage_id=stage.id,
        document=document,
        organisation_id=organisation_id,
        other=other,
        message=message.strip(),
        due_at=due_at(day, call.timezone),
        status=RequestStatus.open,
        requested_by_id=user_id,
        requested_at=at,
    )
    db.session.add(request)
    db.session.flush()
    record(
        "admissibility_request.asked",
        request,
        after={
            "stage": stage.stage,
            "document": document,
            "organisation_id": organisation_id,
            "other": other,
            "message": request.message,
            "due_at": request.due_at,
        },
        user_id=user_id,
    )
    notify(
        application,
        [application.lead_id],
        _l("Application %(reference)s: a document is requested", reference=application.reference),
        "email/admissibility_request.txt",
        url_for(
            "admissibility.answer",
            application_id=application.id,
            request_id=request.id,
            _external=True,
        ),
        document_request=request,
        organisation=request.organisation,
    )
    return request


def _slot(request: AdmissibilityRequest) -> str:
    """The attachment slot the answer fills (grants.submission.attachments)."""
    if request.document == "declaration":
        return attachments.DECLARATION
    if request.document == "partnership_statement":
        return f"{attachments.STATEMENT}{request.organisation_id}"
    return attachments.ANNEX


def answer(
    request: AdmissibilityRequest,
    file: FileStorage,
    user: User,
    now: Callable[[], datetime] = clock.now,
) -> Attachment:
    """The lead's upload of the requested document, before the deadline: stored as the
    application's attachment (a declaration or statement replaces the previous one), checked as
    every attachment is (type, size), and audited."""
    stage = request.stage
    zone = stage.application.call.timezone
    at = now()
    issues = check_answer(state_of(request.status.value, request.due_at, at), request.due_at, zone)
    if issues:
        raise RequestRefused(issues=issues)
    attachment = attachments.upload(stage.application, _slot(request), file, user)
    before = {"status": request.status}
    request.status = RequestStatus.answered
    request.answered_at = at
    request.answered_by_id = user.id
    request.attachment_id = attachment.id
    db.session.flush()
    record(
        "admissibility_request.answered",
        request,
        before=before,
        after={
            "status": request.status,
            "attachment_id": attachment.id,
            "original_name": attachment.original_name,
        },
        user_id=user.id,
    )
    return attachment


def _lapse(stage: ApplicationStage, at: datetime, user_id: int | None) -> None:
    """Refuse the decision while a request is open; record as lapsed those whose deadline
    passed."""
    requests = requests_of(stage.id)
    states = {r.id: state_of(r.status.value, r.due_at, at) for r in requests}
    open_dues = [r.due_at for r in requests if states[r.id] is RequestState.open]
    issues = check_decidable(open_dues, stage.application.call.timezone)
    if issues:
        raise DecisionRefused(issues=issues)
    for request in requests:
        if request.status is RequestStatus.open and states[request.id] is RequestState.lapsed:
            request.status = RequestStatus.lapsed
            record(
                "admissibility_request.lapsed",
                request,
                before={"status": RequestStatus.open},
                after={"status": RequestStatus.lapsed, "due_at": request.due_at},
                user_id=user_id,
            )


def override(
    stage: ApplicationStage, check_key: str, met: bool, reason: str, user_id: int | None
) -> CheckOverride | None:
    """Staff's result for an automatic check, with their written reason, in place of the
    computed one; set back to the computed result, the override is removed. Audited either way."""
    locked = lock(stage)
    if locked:
        raise OverrideRefused(locked)
    check = next((c for c in automatic_checks(stage) if c.key == check_key), None)
    if check is None:
        raise OverrideRefused(N_("Choose the automatic check to override."), field="check")
    computed_met = not (check.computed if check.override else check.messages)
    issues = check_override(reason, computed_met, met, check.override is not None)
    if issues:
        raise OverrideRefused(issues=issues)
    existing = check.override
    before = (
        {"check": check_key, "met": existing.met, "reason": existing.reason} if existing else None
    )
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    row = None
    if met is not computed_met:
        row = CheckOverride(
            stage_id=stage.id,
            check_key=check_key,
            met=met,
            reason=reason.strip(),
            user_id=user_id,
            at=clock.now(),
        )
        db.session.add(row)
        db.session.flush()
    record(
        "admissibility_check.overridden" if row else "admissibility_check.override_removed",
        row or stage,
        before=before,
        after={
            "check": check_key,
            "computed_met": computed_met,
            "met": met,
            "reason": reason.strip(),
        },
        user_id=user_id,
    )
    return row
