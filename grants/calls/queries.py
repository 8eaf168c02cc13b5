"""Calls read: the staff list, a call, whether it has submissions, its settings as the forms show
them, the public lists. No writes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from grants.calls.mapping import SETTING_FIELDS
from grants.extensions import db
from grants.models import Application, ApplicationStage, Call, CallStatus, Grid, GridSection, Stage
from grants.rules.call_settings import LotDraft


def staff_calls() -> list[tuple[Call, int, int]]:
    """Every call with its number of applications and of submitted ones, in one query."""
    applications = (
        select(func.count(Application.id))
        .where(Application.call_id == Call.id)
        .correlate(Call)
        .scalar_subquery()
    )
    submitted = (
        select(func.count(func.distinct(Application.id)))
        .join(ApplicationStage, ApplicationStage.application_id == Application.id)
        .where(Application.call_id == Call.id, ApplicationStage.submitted_at.is_not(None))
        .correlate(Call)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Call, applications, submitted).order_by(Call.opens_at.desc(), Call.id)
    )
    return [tuple(row) for row in rows]


def get_call(call_id: int) -> Call | None:
    return db.session.get(Call, call_id)


def has_submissions(call: Call, stage: Stage | None = None) -> bool:
    """Whether any application of the call has a submitted stage (of `stage`, if given); one
    reopened for correction counts: its lead may submit it again under the rules it was submitted
    under."""
    condition = [
        Application.call_id == call.id,
        ApplicationStage.submitted_at.is_not(None) | ApplicationStage.reopened_at.is_not(None),
    ]
    if stage is not None:
        condition.append(ApplicationStage.stage == stage)
    return bool(
        db.session.scalar(
            select(exists().where(ApplicationStage.application_id == Application.id, *condition))
        )
    )


def settings_of(call: Call) -> dict:
    return {
        name: getattr(getattr(call, name), "value", getattr(call, name)) for name in SETTING_FIELDS
    }


def lots_of(call: Call) -> list[LotDraft]:
    return [LotDraft(lot.code, lot.name, list(lot.themes), lot.budget) for lot in call.lots]


def rows_of(lots: list[LotDraft]) -> list[tuple]:
    return [(d.code, d.name, d.themes, d.budget) for d in lots]


def state_of(call: Call) -> dict:
    return {**settings_of(call), "lots": rows_of(lots_of(call))}


def grid_locked(call: Call, stage: Stage) -> bool:
    """A grid changes only before the evaluation and before anyone submitted to its stage."""
    return call.status not in (CallStatus.draft, CallStatus.published) or has_submissions(
        call, stage
    )


def public_calls(now: datetime) -> tuple[list[Call], list[Call]]:
    """Published calls accepting submissions now, and those that open later."""
    calls = db.session.scalars(
        select(Call)
        .options(selectinload(Call.lots))
        .where(Call.status == CallStatus.published, Call.deadline > now)
        .order_by(Call.deadline)
    ).all()
    return [c for c in calls if c.opens_at <= now], [c for c in calls if c.opens_at > now]


def public_call(reference: str) -> Call | None:
    return db.session.scalar(
        select(Call)
        .options(
            selectinload(Call.lots),
            selectinload(Call.grids).selectinload(Grid.sections).selectinload(GridSection.criteria),
        )
        .where(Call.reference == reference, Call.status != CallStatus.draft)
    )
