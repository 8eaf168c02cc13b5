"""set_award, the one way an awarded amount changes: the database keeps every lot within its budget
and every award within the call's maximum grant, whatever the session believes and however many at
once."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal as D

import pytest
from sqlalchemy import select, update

from grants.awards import BudgetRefused, DecisionRefused
from grants.awards.services._budget import set_award
from grants.extensions import db as database
from grants.models import Application, ApplicationStage, Call, Lot
from tests.factories import make_application, make_call
from tests.factories.races import at_once, remove_made, require_postgresql


def _call_with(
    count: int, reference: str | None = None, budgets=(D("200000.00"), D("100000.00"))
) -> Call:
    call = make_call(
        reference,
        status="evaluation",
        total_budget=sum(budgets),
        lots=[(f"Lot {i + 1}", budget) for i, budget in enumerate(budgets)],
    )
    for _ in range(count):
        make_application(call, status="reserve", requested_grant=D("60000.00"))
    return call


def _stages(call: Call) -> list[ApplicationStage]:
    return list(
        database.session.scalars(
            select(ApplicationStage)
            .join(ApplicationStage.application)
            .where(Application.call_id == call.id)
            .order_by(Application.number)
        )
    )


def test_totals_follow_every_change_of_an_award(db):
    call = _call_with(3)
    lot = call.lots[0]
    first, second, third = _stages(call)
    set_award(call, first, D("60000.00"))
    set_award(call, second, D("60000.00"))
    set_award(call, first, D("45000.50"))  # reduced
    set_award(call, second, None)  # taken away
    set_award(call, third, D("60000.00"))
    assert (first.awarded_amount, second.awarded_amount, third.awarded_amount) == (
        D("45000.50"),
        None,
        D("60000.00"),
    )
    assert lot.awarded_total == call.awarded_total == D("105000.50")


def test_a_sub_cent_award_is_refused_and_nothing_moves(db):
    """L4 (docs/security.md): 99,999.999 is neither stored nor added to the lot's and call's
    totals."""
    call = _call_with(1)
    [stage] = _stages(call)
    with pytest.raises(BudgetRefused) as refused:
        set_award(call, stage, D("59999.999"))
    assert "at most 2 decimals" in str(refused.value)
    database.session.expire_all()
    assert (
        stage.awarded_amount is None
        and call.awarded_total == D("0")
        and call.lots[0].awarded_total == D("0")
    )


def test_the_statement_refuses_what_a_stale_session_would_allow(db):
    call = _call_with(2)
    lot = call.lots[0]
    first, second = _stages(call)
    set_award(call, first, D("60000.00"))
    # another request awarded 100,000.00 of the lot meanwhile; this session still sees 60,000.00
    db.session.execute(
        update(Lot)
        .where(Lot.id == lot.id)
        .values(awarded_total=D("160000.00"))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Call)
        .where(Call.id == call.id)
        .values(awarded_total=D("160000.00"))
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(BudgetRefused) as refused:
        set_award(call, second, D("60000.00"))
    assert "lot Lot 1 has EUR 40,000.00 left of its budget" in str(refused.value)


def test_the_statement_reads_the_maximum_grant_itself(db):
    call = _call_with(1)
    (stage,) = _stages(call)
    with pytest.raises(BudgetRefused):
        set_award(call, stage, D("130000.01"))  # above the maximum grant the session knows
    db.session.execute(
        update(Call)
        .where(Call.id == call.id)
        .values(grant_max=D("100000.00"))
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(BudgetRefused):  # lowered underneath: the session still says 130,000.00
        set_award(call, stage, D("110000.00"))
    db.session.expire_all()
    assert call.lots[0].awarded_total == call.awarded_total == 0


def test_an_award_changed_underneath_is_not_counted_twice(db):
    call = _call_with(1)
    (stage,) = _stages(call)
    db.session.execute(
        update(ApplicationStage)
        .where(ApplicationStage.id == stage.id)
        .values(awarded_amount=D("60000.00"))
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(DecisionRefused, match="changed by someone else"):
        set_award(call, stage, D("50000.00"))


@pytest.mark.postgres
def test_concurrent_awards_never_exceed_the_lot_budget(app):
    """20 requests at once, each awarding a different application 60,000.00 in a lot of 500,000.00:
    exactly 8 fit. This test commits for real, so it removes its rows at the end."""
    reference = f"RACE-{uuid.uuid4().hex[:8].upper()}"
    with app.app_context():
        require_postgresql()
        call = _call_with(20, reference, budgets=(D("500000.00"), D("300000.00")))  # all in lot 1
        orgs = {
            o
            for a in database.session.scalars(
                select(Application).where(Application.call_id == call.id)
            )
            for o in (a.lead_id, *(p.organisation_id for p in a.partners))
        }
        database.session.commit()
        call_id, stage_ids = call.id, [s.id for s in _stages(call)]
    start = threading.Barrier(len(stage_ids), timeout=30)

    def award(stage_id: int):
        def task() -> str:
            start.wait()
            try:
                set_award(
                    database.session.get(Call, call_id),
                    database.session.get(ApplicationStage, stage_id),
                    D("60000.00"),
                )
                database.session.commit()
                return "awarded"
            except BudgetRefused:
                database.session.rollback()
                return "refused"

        return task

    try:
        outcomes, errors = at_once(app, [award(i) for i in stage_ids])
        assert not errors
        with app.app_context():
            call = database.session.get(Call, call_id)
            awarded = [s.awarded_amount for s in _stages(call) if s.awarded_amount is not None]
            assert sorted(outcomes) == ["awarded"] * 8 + ["refused"] * 12
            assert (
                sum(awarded) == call.lots[0].awarded_total == call.awarded_total == D("480000.00")
            )
    finally:
        remove_made(app, None, calls=[call_id], organisations=orgs)
