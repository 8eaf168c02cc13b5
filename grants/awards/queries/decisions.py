"""What the decision pages read: the stage a staff decision is about, the reserve application a
promotion would award, the summary shown before finalising, and the decisions an applicant
organisation sees afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from grants.awards.errors import DecisionRefused
from grants.awards.queries.letters import letter_stages
from grants.awards.queries.overview import requested
from grants.committee.queries import waiting_for
from grants.extensions import db
from grants.letters import queries as letter_queries
from grants.models import Application, ApplicationStage, Call, Lot, Partner, Stage, StageStatus
from grants.rules.problems import N_, Issue
from grants.rules.transitions import AWARD_DECISIONS, SHORTLIST_DECISIONS, UNDECIDED, in_order
from grants.settings.queries import missing as missing_settings

S = StageStatus
SHOWN_ORDER = (
    S.awarded,
    S.reserve,
    S.not_selected,
    S.shortlisted,
    S.not_shortlisted,
    S.below_threshold,
    S.inadmissible,
    *in_order(UNDECIDED),
)


def decision_stage(call_id: int, stage_id: int) -> ApplicationStage | None:
    """A full-application stage of the call with an award decision (awarded, reserve, not
    selected)."""
    return db.session.scalar(
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .where(
            ApplicationStage.id == stage_id,
            Application.call_id == call_id,
            ApplicationStage.stage == Stage.full_application,
            ApplicationStage.status.in_(AWARD_DECISIONS),
        )
        .options(contains_eager(ApplicationStage.application))
    )


def shortlist_stage(call_id: int, stage_id: int) -> ApplicationStage | None:
    """A concept note of the call with a shortlist decision (shortlisted or not shortlisted)."""
    return db.session.scalar(
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .where(
            ApplicationStage.id == stage_id,
            Application.call_id == call_id,
            ApplicationStage.stage == Stage.concept_note,
            ApplicationStage.status.in_(SHORTLIST_DECISIONS),
        )
        .options(contains_eager(ApplicationStage.application))
    )


@dataclass(frozen=True)
class Promotion:
    stage: ApplicationStage | None  # the first reserve application that fits, if any
    remaining: Decimal  # the lot's budget left, counting what withdrawn awards still hold


def lot_of(call: Call, lot_id: int | None) -> Lot | None:
    """The call's lot `lot_id` (None for a call without lots); refused if it is not one of them."""
    if not call.lots:
        return None
    lot = next((lot for lot in call.lots if lot.id == lot_id), None)
    if lot is None:
        raise DecisionRefused(N_("Choose one of the call's lots."))
    return lot


def withdrawn_awards(call: Call, lot: Lot | None):
    """The withdrawn stages of the call (of a lot) that still hold an award."""
    query = (
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .where(
            Application.call_id == call.id,
            ApplicationStage.status == S.withdrawn,
            ApplicationStage.awarded_amount.is_not(None),
        )
        .options(contains_eager(ApplicationStage.application))
        .order_by(ApplicationStage.id)
    )
    return query.where(Application.lot_id == lot.id) if lot is not None else query


def next_reserve(call: Call, lot_id: int | None) -> Promotion:
    """The first reserve application in rank order whose requested grant fits what the lot has
    left."""
    lot = lot_of(call, lot_id)
    withdrawn = withdrawn_awards(call, lot).subquery()
    held = db.session.scalar(select(func.coalesce(func.sum(withdrawn.c.awarded_amount), 0)))
    budget, total = (
        (lot.budget, lot.awarded_total) if lot else (call.total_budget, call.awarded_total)
    )
    remaining = budget - total + Decimal(held)
    reserves = db.session.scalars(
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .where(
            Application.call_id == call.id,
            ApplicationStage.stage == Stage.full_application,
            ApplicationStage.status == S.reserve,
            *([Application.lot_id == lot.id] if lot else []),
        )
        .options(contains_eager(ApplicationStage.application))
        .order_by(ApplicationStage.rank, Application.number)
    )
    fitting = next((s for s in reserves if requested(s) <= min(remaining, call.grant_max)), None)
    return Promotion(fitting, remaining)


@dataclass
class Summary:
    """What the confirmation page shows before finalising."""

    counts: dict[str, int] = field(default_factory=dict)  # outcome -> applications
    budgets: list[tuple[str, Decimal, Decimal]] = field(
        default_factory=list
    )  # (lot name, budget, awarded)
    undecided: list[str] = field(default_factory=list)  # references without a decision yet
    previews: dict[str, int] = field(
        default_factory=dict
    )  # outcome -> an application id, for a letter preview
    unreachable: list[str] = field(
        default_factory=list
    )  # references whose lead has nobody to e-mail
    missing_settings: list[str] = field(default_factory=list)  # letter settings still to give
    committee: list[Issue] = field(default_factory=list)  # what the committee has still to do


def summary(call: Call) -> Summary:
    result = Summary()
    stages = letter_stages(call)
    present = {s.status for s in stages}
    result.counts = {status.value: 0 for status in SHOWN_ORDER if status in present}
    for stage in stages:
        result.counts[stage.status.value] += 1
        result.previews.setdefault(stage.status.value, stage.application_id)
        if stage.status in UNDECIDED:
            result.undecided.append(stage.application.reference)
    result.budgets = [(lot.name, lot.budget, lot.awarded_total) for lot in call.lots] or [
        ("", call.total_budget, call.awarded_total)
    ]
    members = letter_queries.lead_members(s.application.lead_id for s in stages)
    result.unreachable = sorted(
        s.application.reference for s in stages if not members.get(s.application.lead_id)
    )
    result.missing_settings = missing_settings()
    if call.finalised_at is None:
        result.committee = waiting_for(call.id)
    return result


def organisation_decisions(organisation_id: int) -> list[tuple[Application, ApplicationStage]]:
    """The organisation's applications (as lead or partner) in calls whose decisions are final."""
    applications = db.session.scalars(
        select(Application)
        .join(Call, Application.call_id == Call.id)
        .where(
            Call.finalised_at.is_not(None),
            Application.number.is_not(None),
            or_(
                Application.lead_id == organisation_id,
                Application.partners.any(Partner.organisation_id == organisation_id),
            ),
        )
        .options(joinedload(Application.call), selectinload(Application.stages))
        .order_by(Call.finalised_at.desc(), Application.number)
    )
    return [(a, _decided_stage(a)) for a in applications]


def _decided_stage(application: Application) -> ApplicationStage:
    full = application.stage(Stage.full_application)
    return (
        full
        if full is not None and full.submitted_at is not None
        else application.stage(Stage.concept_note)
    )
