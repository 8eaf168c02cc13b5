"""Staff decisions after the ranking: overrides, reserve promotions and shortlist changes (docs/domain.md 5).

Each use case locks the call's row first (one decision on a call at a time, and none once it is
final), changes amounts only through grants.awards.budget.set_award, and keeps a DecisionOverride
with the written justification plus an audit event. The caller commits, or rolls back on a refusal.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from grants.audit import record
from grants.awards.budget import set_award
from grants.awards.errors import BelowMinimumGrant, DecisionRefused
from grants.awards.invitations import invitations_sent
from grants.extensions import db
from grants.models import Application, ApplicationStage, Call, DecisionOverride, Lot, Stage, StageStatus
from grants.rules.decisions import BELOW_MINIMUM, award_refusal, unchanged_refusal
from grants.rules.problems import N_, Amount, Issue
from grants.rules.transitions import AWARD_DECISIONS, SHORTLIST_DECISIONS, check_stage_transition

S = StageStatus
JUSTIFICATION_MIN = 20


def refuse_if_final(call: Call) -> None:
    if call.finalised_at is not None:
        raise DecisionRefused(N_("The decisions of call %(reference)s are final: they can no longer change."),
                              reference=call.reference)


def lock_call(call_id: int) -> Call:
    """The call, its row locked until the transaction ends; refused once its decisions are final."""
    call = db.session.scalar(select(Call).where(Call.id == call_id).with_for_update()
                             .execution_options(populate_existing=True))
    if call is None:
        raise DecisionRefused(N_("There is no call with id %(id)s."), id=call_id)
    refuse_if_final(call)
    return call


def requested(stage: ApplicationStage) -> Decimal:
    return stage.requested_grant_or_application  # kept for its importers; new code reads the property


def decision_stage(call_id: int, stage_id: int) -> ApplicationStage | None:
    """A full-application stage of the call with an award decision (awarded, reserve, not selected)."""
    return db.session.scalar(
        select(ApplicationStage).join(ApplicationStage.application)
        .where(ApplicationStage.id == stage_id, Application.call_id == call_id,
               ApplicationStage.stage == Stage.full_application, ApplicationStage.status.in_(AWARD_DECISIONS))
        .options(contains_eager(ApplicationStage.application)))


def _refuse(issue: Issue | None) -> None:
    """Raise the refusal a rule of grants.rules.decisions answered, if any."""
    if issue is not None:
        raise (BelowMinimumGrant if issue.field == BELOW_MINIMUM else DecisionRefused)(issue.message, **issue.params)


def _justified(text: str) -> str:
    text = (text or "").strip()
    if len(text) < JUSTIFICATION_MIN:
        raise DecisionRefused(N_("Write a justification of at least %(min)s characters."), min=JUSTIFICATION_MIN)
    return text


def _decided(stage: ApplicationStage, before: tuple, justification: str, user_id: int, action: str,
             **confirmed: bool) -> DecisionOverride:
    """Keep the override with its justification, and the audit event (with what staff confirmed)."""
    override = DecisionOverride(stage_id=stage.id, from_status=before[0], from_amount=before[1],
                                to_status=stage.status, to_amount=stage.awarded_amount,
                                justification=justification, user_id=user_id)
    db.session.add(override)
    db.session.flush()
    record(action, stage.application, before={"status": before[0], "awarded_amount": before[1]},
           after={"status": stage.status, "awarded_amount": stage.awarded_amount, "justification": justification,
                  "reference": stage.application.reference, **confirmed}, user_id=user_id)
    return override


def override(call_id: int, stage_id: int, status: StageStatus, amount: Decimal | None, justification: str,
             user_id: int, below_minimum: bool = False) -> DecisionOverride:
    """Award an amount (the requested grant when none is given; a reduced one at most that), or move the
    application to the reserve list or not selected. An award below the call's minimum grant needs
    `below_minimum`: staff confirmed it, and the audit event says so."""
    call = lock_call(call_id)
    stage = decision_stage(call.id, stage_id)
    if stage is None or status not in AWARD_DECISIONS:
        raise DecisionRefused(N_("Only an awarded, reserve or not selected application can be moved, and only "
                                 "to one of those."))
    justification = _justified(justification)
    if status is S.awarded:
        amount = requested(stage) if amount is None else amount
        _refuse(award_refusal(amount, requested(stage), call.grant_min, call.currency, below_minimum=below_minimum))
    else:
        amount = None
    _refuse(unchanged_refusal(stage.application.reference, (stage.status, stage.awarded_amount), (status, amount)))
    if status is not stage.status:
        check_stage_transition(stage.status, status)
    before = (stage.status, stage.awarded_amount)
    set_award(call, stage, amount)
    stage.status = status
    below = amount is not None and amount < call.grant_min
    return _decided(stage, before, justification, user_id, "decision.overridden",
                    **({"below_minimum_grant_confirmed": True} if below else {}))


def shortlist_stage(call_id: int, stage_id: int) -> ApplicationStage | None:
    """A concept note of the call with a shortlist decision (shortlisted or not shortlisted)."""
    return db.session.scalar(
        select(ApplicationStage).join(ApplicationStage.application)
        .where(ApplicationStage.id == stage_id, Application.call_id == call_id,
               ApplicationStage.stage == Stage.concept_note, ApplicationStage.status.in_(SHORTLIST_DECISIONS))
        .options(contains_eager(ApplicationStage.application)))


def override_shortlist(call_id: int, stage_id: int, justification: str, user_id: int) -> DecisionOverride:
    """Move a concept note from shortlisted to not shortlisted or back, until the shortlisted leads are invited."""
    call = lock_call(call_id)
    stage = shortlist_stage(call.id, stage_id)
    if stage is None:
        raise DecisionRefused(N_("Only a shortlisted or not shortlisted concept note can be moved."))
    if invitations_sent(call.id):
        raise DecisionRefused(N_("The shortlisted applicants of call %(reference)s have been invited to submit a "
                                 "full application: the shortlist can no longer change."), reference=call.reference)
    justification = _justified(justification)
    new = S.not_shortlisted if stage.status is S.shortlisted else S.shortlisted
    check_stage_transition(stage.status, new)
    before = (stage.status, None)
    stage.status = new
    return _decided(stage, before, justification, user_id, "shortlist.overridden")


@dataclass(frozen=True)
class Promotion:
    stage: ApplicationStage | None  # the first reserve application that fits, if any
    remaining: Decimal  # the lot's budget left, counting what withdrawn awards still hold


def _lot(call: Call, lot_id: int | None) -> Lot | None:
    if not call.lots:
        return None
    lot = next((lot for lot in call.lots if lot.id == lot_id), None)
    if lot is None:
        raise DecisionRefused(N_("Choose one of the call's lots."))
    return lot


def _withdrawn_awards(call: Call, lot: Lot | None):
    query = (select(ApplicationStage).join(ApplicationStage.application)
             .where(Application.call_id == call.id, ApplicationStage.status == S.withdrawn,
                    ApplicationStage.awarded_amount.is_not(None))
             .options(contains_eager(ApplicationStage.application)).order_by(ApplicationStage.id))
    return query.where(Application.lot_id == lot.id) if lot is not None else query


def next_reserve(call: Call, lot_id: int | None) -> Promotion:
    """The first reserve application in rank order whose requested grant fits what the lot has left."""
    lot = _lot(call, lot_id)
    withdrawn = _withdrawn_awards(call, lot).subquery()
    held = db.session.scalar(select(func.coalesce(func.sum(withdrawn.c.awarded_amount), 0)))
    budget, total = (lot.budget, lot.awarded_total) if lot else (call.total_budget, call.awarded_total)
    remaining = budget - total + Decimal(held)
    reserves = db.session.scalars(
        select(ApplicationStage).join(ApplicationStage.application)
        .where(Application.call_id == call.id, ApplicationStage.stage == Stage.full_application,
               ApplicationStage.status == S.reserve, *([Application.lot_id == lot.id] if lot else []))
        .options(contains_eager(ApplicationStage.application))
        .order_by(ApplicationStage.rank, Application.number))
    fitting = next((s for s in reserves if requested(s) <= min(remaining, call.grant_max)), None)
    return Promotion(fitting, remaining)


def release_withdrawn(call: Call, user_id: int | None, lot: Lot | None = None) -> None:
    """Give back to the budget what withdrawn applications had been awarded (one audit event each)."""
    for stage in db.session.scalars(_withdrawn_awards(call, lot)):
        amount = stage.awarded_amount
        set_award(call, stage, None)
        record("decision.released", stage.application, before={"awarded_amount": amount},
               after={"awarded_amount": None, "status": stage.status}, user_id=user_id)


def promote_reserve(call_id: int, lot_id: int | None, justification: str, user_id: int) -> DecisionOverride:
    """Award the first reserve application that fits the lot's remaining budget its requested grant."""
    call = lock_call(call_id)
    justification = _justified(justification)
    release_withdrawn(call, user_id, _lot(call, lot_id))
    promotion = next_reserve(call, lot_id)
    stage = promotion.stage
    if stage is None:
        raise DecisionRefused(N_("No application on the reserve list fits the remaining budget of %(remaining)s."),
                              remaining=Amount(promotion.remaining, call.currency))
    before = (stage.status, stage.awarded_amount)
    set_award(call, stage, requested(stage))
    stage.status = S.awarded
    return _decided(stage, before, justification, user_id, "decision.promoted")
