"""Read models of the admissibility check (no writes): the call's submitted stages, one stage with
what its checks read, and whether its check may still change."""

from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from grants.extensions import db
from grants.models import (
    AdmissibilityRequest,
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CheckOverride,
    Organisation,
    Partner,
    StageStatus,
)
from grants.paging import Pager
from grants.rules.problems import N_

PAGE_SIZE = 50
CHECKED = (StageStatus.submitted, StageStatus.admissible, StageStatus.inadmissible)


def load_call(call_id: int) -> Call | None:
    return db.session.get(Call, call_id)


def stage_page(call: Call, page: int) -> Pager:
    """One page of the call's submitted stages with their check status: (stage, application, lead)
    rows."""
    where = (
        Application.call_id == call.id,
        ApplicationStage.status.in_(CHECKED),
        ApplicationStage.submitted_at.is_not(None),
    )
    total = db.session.scalar(
        select(func.count(ApplicationStage.id)).join(ApplicationStage.application).where(*where)
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(ApplicationStage, Application, Organisation)
        .join(ApplicationStage.application)
        .join(Organisation, Organisation.id == Application.lead_id)
        .where(*where)
        .order_by(Application.number, ApplicationStage.stage, ApplicationStage.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return Pager([tuple(r) for r in rows], page, total, PAGE_SIZE)


def load_stage(call_id: int, stage_id: int) -> ApplicationStage | None:
    """A submitted stage of the call, with what its checks read; None for anything else."""
    return db.session.scalar(
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .where(
            ApplicationStage.id == stage_id,
            Application.call_id == call_id,
            ApplicationStage.submitted_at.is_not(None),
        )
        .options(
            joinedload(ApplicationStage.application).options(
                joinedload(Application.call),
                joinedload(Application.lead),
                selectinload(Application.partners).joinedload(Partner.organisation),
                selectinload(Application.attachments),
                selectinload(Application.budget_lines),
            )
        )
    )


def lock(stage: ApplicationStage) -> str | None:
    """Why the check of this stage can no longer be decided or changed (a message marked with N_);
    None while it can."""
    if stage.status not in CHECKED:
        return N_("This application is no longer at the check: its status is final for this step.")
    if stage.application.call.finalised_at is not None:
        return N_("The decisions of this call are final: the check can no longer change.")
    if db.session.scalar(select(exists().where(Assignment.stage_id == stage.id))):
        return N_(
            "Evaluators have been assigned to this application: the check can no longer change."
        )
    return None


def requests_of(stage_id: int) -> list[AdmissibilityRequest]:
    """The document requests of a stage, oldest first, with what their rows show."""
    return list(
        db.session.scalars(
            select(AdmissibilityRequest)
            .where(AdmissibilityRequest.stage_id == stage_id)
            .options(
                joinedload(AdmissibilityRequest.organisation),
                joinedload(AdmissibilityRequest.attachment),
                joinedload(AdmissibilityRequest.requested_by),
            )
            .order_by(AdmissibilityRequest.requested_at, AdmissibilityRequest.id)
        )
    )


def overrides_of(stage_id: int) -> dict[str, CheckOverride]:
    """The stage's overrides of its automatic checks, by check."""
    rows = db.session.scalars(
        select(CheckOverride)
        .where(CheckOverride.stage_id == stage_id)
        .options(joinedload(CheckOverride.user))
    )
    return {row.check_key: row for row in rows}


def load_request(application_id: int, request_id: int) -> AdmissibilityRequest | None:
    """A document request of the application (any of its stages); None for anything else."""
    return db.session.scalar(
        select(AdmissibilityRequest)
        .join(AdmissibilityRequest.stage)
        .where(
            AdmissibilityRequest.id == request_id,
            ApplicationStage.application_id == application_id,
        )
        .options(
            joinedload(AdmissibilityRequest.organisation),
            joinedload(AdmissibilityRequest.attachment),
        )
    )
