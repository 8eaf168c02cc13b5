"""The one way an awarded amount changes after the ranking: `set_award`.

Whatever anyone does, concurrently or not, the sum awarded in a lot never exceeds the lot's budget,
nor any award the call's maximum grant (docs/domain.md 5). The database enforces it: each change
moves the call's and the lot's awarded totals by the difference in conditional UPDATEs whose WHERE
re-checks the budget and the maximum grant against the rows as they are when the row lock is
granted, and the CHECK constraints on `awarded_total <= budget` stand behind them. The stage's own
amount is claimed the same way (it must still be what the caller read), so two changes of one
application cannot both count.

Rows are locked in one order, call then lot, as `rank_call` (which locks the call first) does.
A refusal raises BudgetRefused after some rows may have been updated: the request rolls back
(grants/unit_of_work.py).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric, literal, select, update

from grants.awards.errors import BudgetRefused, DecisionRefused
from grants.extensions import db
from grants.models import ApplicationStage, Call, Lot
from grants.rules.problems import N_, Amount

ZERO = Decimal("0.00")


def set_award(call: Call, stage: ApplicationStage, amount: Decimal | None) -> None:
    """Give the stage `amount` (None: no award), moving the call's and its lot's awarded totals."""
    refusal = {
        "reference": stage.application.reference,
        "amount": Amount(amount or ZERO, call.currency),
    }
    if amount is not None and amount != amount.quantize(Decimal("0.01")):  # a sub-cent award (L4)
        raise BudgetRefused(
            N_("%(reference)s cannot be awarded %(typed)s: an amount has at most 2 decimals."),
            typed=str(amount),
            **refusal,
        )
    if amount is not None and not ZERO < amount <= call.grant_max:
        raise BudgetRefused(
            N_(
                "%(reference)s cannot be awarded %(amount)s: an award is more than zero and at "
                "most "
                "the call's maximum grant of %(max)s."
            ),
            max=Amount(call.grant_max, call.currency),
            **refusal,
        )
    old = stage.awarded_amount
    claimed = db.session.execute(
        update(ApplicationStage)
        .where(
            ApplicationStage.id == stage.id,
            ApplicationStage.awarded_amount.is_not_distinct_from(old),
        )
        .values(awarded_amount=amount)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise DecisionRefused(
            N_(
                "%(reference)s was changed by someone else a moment ago: reload the page and "
                "try again."
            ),
            reference=refusal["reference"],
        )
    delta = (amount or ZERO) - (old or ZERO)
    if delta:
        _move_call(call, delta, amount, refusal)
        if stage.application.lot_id is not None:
            _move_lot(call, stage.application.lot_id, delta, amount, refusal)
    db.session.expire(stage, ["awarded_amount"])


def _within(amount: Decimal | None, grant_max) -> list:
    """The maximum grant, read by the statement itself (nothing to check when an award is taken
    away)."""
    return [] if amount is None else [literal(amount, Numeric(14, 2)) <= grant_max]


def _move_call(call: Call, delta: Decimal, amount: Decimal | None, refusal: dict) -> None:
    moved = db.session.execute(
        update(Call)
        .where(
            Call.id == call.id,
            Call.awarded_total + delta >= 0,
            Call.awarded_total + delta <= Call.total_budget,
            *_within(amount, Call.grant_max),
        )
        .values(awarded_total=Call.awarded_total + delta)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if moved != 1:
        remaining = db.session.scalar(
            select(Call.total_budget - Call.awarded_total).where(Call.id == call.id)
        )
        raise BudgetRefused(
            N_(
                "%(reference)s cannot be awarded %(amount)s: the call has %(remaining)s left of "
                "its "
                "budget, or a lower maximum grant."
            ),
            remaining=Amount(remaining, call.currency),
            **refusal,
        )


def _move_lot(
    call: Call, lot_id: int, delta: Decimal, amount: Decimal | None, refusal: dict
) -> None:
    grant_max = select(Call.grant_max).where(Call.id == Lot.call_id).scalar_subquery()
    moved = db.session.execute(
        update(Lot)
        .where(
            Lot.id == lot_id,
            Lot.awarded_total + delta >= 0,
            Lot.awarded_total + delta <= Lot.budget,
            *_within(amount, grant_max),
        )
        .values(awarded_total=Lot.awarded_total + delta)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if moved != 1:
        name, remaining = db.session.execute(
            select(Lot.name, Lot.budget - Lot.awarded_total).where(Lot.id == lot_id)
        ).one()
        raise BudgetRefused(
            N_(
                "%(reference)s cannot be awarded %(amount)s: lot %(lot)s has %(remaining)s left of "
                "its budget."
            ),
            lot=name,
            remaining=Amount(remaining, call.currency),
            **refusal,
        )
