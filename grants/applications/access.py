"""Who may see and change an application: object loaders that answer 404 for the rest.

- members acting for the lead organisation: see it; edit it while it is a draft;
- members acting for a proposed partner organisation: see it (summary, budget, their share);
- staff: see it once a stage has been submitted;
- its assigned evaluators, once they declared no conflict: read it and its attachments (the
  assignment page);
- anyone else: 404, as if it did not exist.
"""

from __future__ import annotations

from flask import abort, make_response, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    CallEvaluator,
    ConflictStatus,
    LogframeResult,
    Partner,
    StageStatus,
    User,
)


def _load(application_id: int) -> Application | None:
    return db.session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(
            selectinload(Application.partners).selectinload(Partner.organisation),
            selectinload(Application.stages),
            selectinload(Application.results).selectinload(LogframeResult.indicators),
        )
    )


def is_lead_member(user: User, application: Application) -> bool:
    return user.acts_for_organisation and user.organisation_id == application.lead_id


def is_partner_member(user: User, application: Application) -> bool:
    return user.acts_for_organisation and any(
        p.organisation_id == user.organisation_id for p in application.partners
    )


def is_submitted(application: Application) -> bool:
    """Submitted now, or reopened for correction after a submission (staff still see that
    version)."""
    return any(s.submitted_at is not None or s.reopened_at is not None for s in application.stages)


def may_view(user: User, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_role("staff"):
        return is_submitted(application)
    return is_lead_member(user, application) or is_partner_member(user, application)


def reads_as_evaluator(user: User, application_id: int) -> bool:
    """An evaluator with an active assignment on the application who declared no conflict of
    interest (and signed the call's declaration of impartiality) reads the whole application,
    attachments included."""
    if not user.is_authenticated or not user.has_role("evaluator"):
        return False
    return (
        db.session.scalar(
            select(Assignment.id)
            .join(Assignment.stage)
            .join(
                CallEvaluator,
                (CallEvaluator.user_id == Assignment.evaluator_id)
                & (
                    CallEvaluator.call_id
                    == select(Application.call_id)
                    .where(Application.id == application_id)
                    .scalar_subquery()
                ),
            )
            .where(
                ApplicationStage.application_id == application_id,
                Assignment.evaluator_id == user.id,
                Assignment.ended_at.is_(None),
                Assignment.conflict == ConflictStatus.no_conflict,
                CallEvaluator.impartiality_signed_at.is_not(None),
            )
            .limit(1)
        )
        is not None
    )


def is_editable(application: Application) -> bool:
    """The applicant may change it only while its current stage is a draft."""
    current = current_stage(application)
    return current is None or current.status is StageStatus.draft


def get_application_for(user: User, application_id: int) -> Application:
    application = _load(application_id)
    if application is None or not may_view(user, application):
        abort(404)
    return application


def get_application_to_discard(user: User, application_id: int) -> Application:
    """The lead's members only (who act for it: a verified organisation); 404 for others. Whether
    the application may still be discarded (never submitted) is the page's to say."""
    application = _load(application_id)
    if application is None or not is_lead_member(user, application):
        abort(404)
    return application


def get_application_to_edit(user: User, application_id: int) -> Application:
    """The lead's members only; 404 for others. A lead member once it is no longer a draft (an old
    edit link) gets 403 with a page saying it is submitted, offering to reopen it while that is
    allowed."""
    application = _load(application_id)
    if application is None or not is_lead_member(user, application):
        abort(404)
    if not is_editable(application):
        abort(
            make_response(
                render_template(
                    "submission/locked.html",
                    application=application,  # submission's
                    stage=current_stage(application),
                ),
                403,
            )
        )  # page: it says if reopenable
    return application


def invited_to_full_application(application: Application) -> bool:
    """A restricted call's shortlisted lead was invited and its full application is a draft
    still."""
    by_kind = {s.stage.value: s for s in application.stages}
    full = by_kind.get("full_application")
    return "concept_note" in by_kind and full is not None and full.status is StageStatus.draft


def current_stage(application: Application) -> ApplicationStage | None:
    """The stage the applicant works on: the full application if it exists, else the concept
    note."""
    by_kind = {s.stage.value: s for s in application.stages}
    return by_kind.get("full_application") or by_kind.get("concept_note")
