"""Staff decisions after the ranking: overrides, reserve promotions and shortlist changes
(docs/domain.md 5).

Each use case locks the call's row first (one decision on a call at a time, and none once it is
final), changes amounts only through grants.awards.services._budget.set_award, moves the status only
through grants.status.move_stage and keeps a DecisionOverride with the written justification plus an
audit event. The request commits, or rolls back on a refusal (grants/unit_of_work.py).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from grants.audit import record
from grants.awards.errors import BelowMinimumGrant, DecisionRefused
from grants.awards.queries.decisions import (
    decision_stage,
    lot_of,
    next_reserve,
    shortlist_stage,
    withdrawn_awards,
)
from grants.awards.queries.invitations import invitations_sent
from grants.awards.services._budget import set_award
from grants.extensions import db
from grants.models import Application, ApplicationStage, Call, DecisionOverride, Lot, StageStatus
from grants.rules.decisions import BELOW_MINIMUM, award_refusal, unchanged_refusal
from grants.rules.problems import N_, Amount, Issue
from grants.rules.transitions import AWARD_DECISIONS
from grants.signals import stage_withdrawn
from grants.status import move_stage

S = StageStatus
JUSTIFICATION_MIN = 20


def refuse_if_final(call: Call) -> None:
    if call.finalised_at is not None:
        raise DecisionRefused(
            N_("The decisions of call %(reference)s are final: they can no longer change."),
            reference=call.reference,
        )


def lock_call(call_id: int) -> Call:
    """The call, its row locked until the transaction ends; refused once its decisions are final."""
    call = db.session.scalar(
        select(Call)
        .where(Call.id == call_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if call is None:
        raise DecisionRefused(N_("There is no call with id %(id)s."), id=call_id)
    refuse_if_final(call)
    return call


def _justified(text: str) -> str:
    text = (text or "").strip()
    if len(text) < JUSTIFICATION_MIN:
        raise DecisionRefused(
            N_("Write a justification of at least %(min)s characters."), min=JUSTIFICATION_MIN
        )
    return text


def _decide(
    stage: ApplicationStage,
    status: StageStatus,
    amount: Decimal | None,
    call: Call | None,
    justification: str,
    user_id: int,
    action: str,
    **confirmed: bool,
) -> DecisionOverride:
    """Give the stage its new status (and, for an award decision, `amount` through the budget), keep
    the override with its justification, and the audit event (with what staff confirmed) on the
    application."""
    before = (stage.status, stage.awarded_amount)
    if call is not None:
        set_award(call, stage, amount)
    after = {
        "awarded_amount": stage.awarded_amount,
        "justification": justification,
        "reference": stage.application.reference,
        **confirmed,
    }
    if status is stage.status:  # a changed amount only: no move of the status
        record(
            action,
            stage.application,
            before={"status": before[0], "awarded_amount": before[1]},
            after={"status": status, **after},
            user_id=user_id,
        )
    else:
        move_stage(
            stage,
            status,
            action=action,
            user_id=user_id,
            audited=stage.application,
            before={"awarded_amount": before[1]},
            after=after,
        )
    override = DecisionOverride(
        stage_id=stage.id,
        from_status=before[0],
        from_amount=before[1],
        to_status=stage.status,
        to_amount=stage.awarded_amount,
        justification=justification,
        user_id=user_id,
    )
    db.session.add(override)
    db.session.flush()
    return override


def override(
    call_id: int,
    stage_id: int,
    status: StageStatus,
    amount: Decimal | None,
    justification: str,
    user_id: int,
    below_minimum: bool = False,
) -> DecisionOverride:
    """Award an amount (the requested grant when none is given; a reduced one at most that), or move
    the application to the reserve list or not selected. An award below the call's minimum grant
    needs `below_minimum`: staff confirmed it, and the audit event says so."""
    call = lock_call(call_id)
    stage = decision_stage(call.id, stage_id)
    if stage is None or status not in AWARD_DECISIONS:
        raise DecisionRefused(
            N_(
                "Only an awarded, reserve or not selected application can be moved, and only "
                "to one of those."
            )
        )
    justification = _justified(justification)
    amount = _award_amount(call, stage, amount, below_minimum) if status is S.awarded else None
    _refuse(
        unchanged_refusal(
            stage.application.reference, (stage.status, stage.awarded_amount), (status, amount)
        )
    )
    below = amount is not None and amount < call.grant_min
    return _decide(
        stage,
        status,
        amount,
        call,
        justification,
        user_id,
        "decision.overridden",
        **({"below_minimum_grant_confirmed": True} if below else {}),
    )


def _award_amount(
    call: Call, stage: ApplicationStage, amount: Decimal | None, below_minimum: bool
) -> Decimal:
    """The amount to award (the requested grant when none is given), refused above the request or
    below the call's minimum grant unless staff confirmed it."""
    requested = stage.requested_grant_or_application
    amount = requested if amount is None else amount
    _refuse(
        award_refusal(amount, requested, call.grant_min, call.currency, below_minimum=below_minimum)
    )
    return amount


def _refuse(issue: Issue | None) -> None:
    """Raise the refusal a rule of grants.rules.decisions answered, if any."""
    if issue is not None:
        raise (BelowMinimumGrant if issue.field == BELOW_MINIMUM else DecisionRefused)(
            issues=[issue]
        )


def override_shortlist(
    call_id: int, stage_id: int, justification: str, user_id: int
) -> DecisionOverride:
    """Move a concept note from shortlisted to not shortlisted or back, until the shortlisted leads
    are invited."""
    call = lock_call(call_id)
    stage = shortlist_stage(call.id, stage_id)
    if stage is None:
        raise DecisionRefused(
            N_("Only a shortlisted or not shortlisted concept note can be moved.")
        )
    if invitations_sent(call.id):
        raise DecisionRefused(
            N_(
                "The shortlisted applicants of call %(reference)s have been invited to submit a "
                "full application: the shortlist can no longer change."
            ),
            reference=call.reference,
        )
    justification = _justified(justification)
    new = S.not_shortlisted if stage.status is S.shortlisted else S.shortlisted
    return _decide(stage, new, None, None, justification, user_id, "shortlist.overridden")


def release_withdrawn(call: Call, user_id: int | None, lot: Lot | None = None) -> None:
    """Give back to the budget what withdrawn applications had been awarded (one audit event
    each)."""
    for stage in db.session.scalars(withdrawn_awards(call, lot)):
        amount = stage.awarded_amount
        set_award(call, stage, None)
        record(
            "decision.released",
            stage.application,
            before={"awarded_amount": amount},
            after={"awarded_amount": None, "status": stage.status},
            user_id=user_id,
        )


@stage_withdrawn.connect
def release_on_withdrawal(application: Application, stage: ApplicationStage, **_) -> None:
    """An award given up by a withdrawal goes back to the lot's budget at once (submission sends the
    signal)."""
    if stage.awarded_amount is not None:
        release_withdrawn(application.call, None, application.lot)


def promote_reserve(
    call_id: int, lot_id: int | None, justification: str, user_id: int
) -> DecisionOverride:
    """Award the first reserve application that fits the lot's remaining budget its requested
    grant."""
    call = lock_call(call_id)
    justification = _justified(justification)
    release_withdrawn(call, user_id, lot_of(call, lot_id))
    promotion = next_reserve(call, lot_id)
    stage = promotion.stage
    if stage is None:
        raise DecisionRefused(
            N_("No application on the reserve list fits the remaining budget of %(remaining)s."),
            remaining=Amount(promotion.remaining, call.currency),
        )
    return _decide(
        stage,
        S.awarded,
        stage.requested_grant_or_application,
        call,
        justification,
        user_id,
        "decision.promoted",
    )
