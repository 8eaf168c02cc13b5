"""Admissibility clarifications (domain.md 4): staff ask the lead applicant for a missing or
defective document with a deadline; the lead's members upload it (checked and stored as the
application's attachment); the check decides once no request is open (services.decide calls
close_lapsed). Staff may override an automatic check with a written reason. Every change audited;
the lead's members told by e-mail, each in their language, after the commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask import url_for
from werkzeug.datastructures import FileStorage

from grants import clock
from grants.admissibility.presenters import automatic_checks
from grants.admissibility.queries import lock, requests_of
from grants.audit import record
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    AdmissibilityRequest,
    Application,
    ApplicationStage,
    Attachment,
    CheckOverride,
    RequestStatus,
    User,
)
from grants.rules.admissibility_requests import (
    OverrideRefused,
    RequestRefused,
    RequestState,
    check_answer,
    check_decidable,
    check_override,
    check_request,
    check_request_transition,
    due_at,
    state_of,
)
from grants.rules.problems import N_
from grants.submission import queries as submission_queries
from grants.submission.services import attachments
from grants.submission.services.submit import notify


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
        return submission_queries.DECLARATION
    if request.document == "partnership_statement":
        return f"{submission_queries.STATEMENT}{request.organisation_id}"
    return submission_queries.ANNEX


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
    request.answered_at = at
    request.answered_by_id = user.id
    request.attachment_id = attachment.id
    move_request(
        request,
        RequestStatus.answered,
        user.id,
        attachment_id=attachment.id,
        original_name=attachment.original_name,
    )
    return attachment


def close_lapsed(stage: ApplicationStage, at: datetime, user_id: int | None) -> None:
    """Refuse the decision while a request is open; record as lapsed those whose deadline
    passed."""
    requests = requests_of(stage.id)
    states = {r.id: state_of(r.status.value, r.due_at, at) for r in requests}
    open_dues = [r.due_at for r in requests if states[r.id] is RequestState.open]
    issues = check_decidable(open_dues, stage.application.call.timezone)
    if issues:
        raise RequestRefused(issues=issues)
    for request in requests:
        if request.status is RequestStatus.open and states[request.id] is RequestState.lapsed:
            move_request(request, RequestStatus.lapsed, user_id, due_at=request.due_at)


def move_request(
    request: AdmissibilityRequest, new: RequestStatus, user_id: int | None, **after
) -> None:
    """The only writer of a request's status: checks the move
    (grants.rules.admissibility_requests.REQUEST_TRANSITIONS), sets it, writes the audit event."""
    old = request.status
    check_request_transition(old.value, new.value)
    request.status = new
    db.session.flush()
    record(
        f"admissibility_request.{new.value}",
        request,
        before={"status": old},
        after={"status": new, **after},
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
        {"check": check_key, "met": existing.met, "justification": existing.reason}
        if existing
        else None
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
            "justification": reason.strip(),
        },
        user_id=user_id,
    )
    return row
