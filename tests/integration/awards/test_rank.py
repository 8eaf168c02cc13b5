"""`flask calls rank`: final scores, thresholds, the ranking per lot, the award walk and the
shortlist, written to the database and printed; the example call gives exactly the expected
outcome."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from grants.awards import rank_call
from grants.evaluation.services.settle import settle_scores
from grants.extensions import db as database
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    AuditEvent,
    Call,
    Stage,
    StageStatus,
)
from grants.models.base import now_utc
from tests.conftest import count_queries
from tests.factories import make_call
from tests.factories.awards import EXAMPLE, EXPECTED, add_application, outcome


@pytest.fixture
def cli(app, db):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def export(cli) -> dict:
    result = cli("bundle", "export", "TTGS-DEMO", "-")
    assert result.exit_code == 0, result.output
    return {
        a["reference"]: {
            k: a["full_application"][k] for k in ("status", "final_score", "rank", "awarded_amount")
        }
        for a in json.loads(result.output)["applications"]
    }


def ranked_events(db) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "call.ranked")
    )


def stage_rows(db) -> dict:
    db.session.expire_all()
    columns = (
        Application.reference,
        ApplicationStage.status,
        ApplicationStage.final_score,
        ApplicationStage.rank,
        ApplicationStage.awarded_amount,
        ApplicationStage.updated_at,
    )
    rows = db.session.execute(select(*columns).join(ApplicationStage.application))
    return {ref: (status.value, *rest) for ref, status, *rest in rows}


def test_the_example_call_gets_exactly_the_expected_outcome(cli, db):
    assert cli("bundle", "import", str(EXAMPLE)).exit_code == 0
    result = cli("calls", "rank", "TTGS-DEMO")
    assert result.exit_code == 0, result.output
    assert export(cli) == EXPECTED
    assert "  1  TTGS-DEMO-0029        97.00     75,000.00     75,000.00  awarded" in result.output
    assert "Awarded 2,572,766.00 of 2,600,000.00." in result.output
    assert "Waiting for an extra evaluator: none. Missing evaluations: none." in result.output
    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-DEMO"))
    awarded = db.session.scalars(
        select(ApplicationStage.awarded_amount).where(
            ApplicationStage.status == StageStatus.awarded
        )
    ).all()
    assert call.awarded_total == sum(awarded) == D("2572766.00") <= call.total_budget
    assert ranked_events(db) == 1  # one audit event for the whole run


def test_ranking_again_gives_the_same_result(cli, db):
    cli("bundle", "import", str(EXAMPLE))
    assert cli("calls", "rank", "TTGS-DEMO").exit_code == 0
    first = stage_rows(db)
    second = cli("calls", "rank", "TTGS-DEMO")
    assert second.exit_code == 0, second.output
    assert stage_rows(db) == first
    assert sum(1 for status, *_ in first.values() if status == "awarded") == 27
    assert db.session.scalar(select(Call.awarded_total)) == D("2572766.00")
    assert ranked_events(db) == 2


def test_unknown_call_is_a_clear_error(cli, db):
    result = cli("calls", "rank", "NOPE-1")
    assert result.exit_code != 0
    assert "There is no call with reference NOPE-1." in result.output


def test_a_finalised_call_is_not_ranked_again(cli, db):
    cli("bundle", "import", str(EXAMPLE))
    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-DEMO"))
    call.finalised_at = now_utc()
    db.session.commit()
    result = cli("calls", "rank", "TTGS-DEMO")
    assert result.exit_code != 0
    assert "decisions of call TTGS-DEMO are final" in result.output
    assert {status for status, *_ in stage_rows(db).values()} == {
        "admissible",
        "inadmissible",
        "withdrawn",
    }
    assert ranked_events(db) == 0


def test_each_lot_is_ranked_and_awarded_within_its_own_budget(cli, db):
    call = make_call(
        "LOTS-1",
        status="evaluation",
        total_budget=D("350000.00"),
        lots=[("Culture", D("200000.00")), ("Environment", D("150000.00"))],
    )
    culture, environment = call.lots
    a1 = add_application(call, [5, 5], "130000.00", culture)  # 100
    a2 = add_application(call, [4, 4], "100000.00", culture)  # 80: does not fit the 70,000 left
    a3 = add_application(
        call, [3, 3], "60000.00", culture
    )  # 60: fits, but the strict rule stops at a2
    b1 = add_application(call, [4, 3], "90000.00", environment)  # 70
    b2 = add_application(call, [3, 3], "60000.00", environment)  # 60
    b3 = add_application(call, [2, 2], "60000.00", environment)  # 40: below the pass threshold
    db.session.commit()

    result = cli("calls", "rank", "LOTS-1")
    assert result.exit_code == 0, result.output
    assert [outcome(a) for a in (a1, a2, a3)] == [
        ("awarded", 1, D("130000.00")),
        ("reserve", 2, None),
        ("reserve", 3, None),
    ]
    assert [outcome(a) for a in (b1, b2, b3)] == [
        ("awarded", 1, D("90000.00")),
        ("awarded", 2, D("60000.00")),
        ("below_threshold", None, None),
    ]
    assert b1.stages[0].final_score == D("70") and b3.stages[0].final_score == D("40")
    for lot in call.lots:
        awarded = [
            a.stages[0].awarded_amount or 0 for a in (a1, a2, a3, b1, b2, b3) if a.lot is lot
        ]
        assert lot.awarded_total == sum(awarded) <= lot.budget
    assert (culture.awarded_total, environment.awarded_total, call.awarded_total) == (
        D("130000.00"),
        D("150000.00"),
        D("280000.00"),
    )
    assert "lot LOT1 Culture" in result.output and "lot LOT2 Environment" in result.output
    assert "Awarded 150,000.00 of 150,000.00." in result.output


def test_fill_rule_goes_on_down_the_ranking(cli, db):
    call = make_call(
        "FILL-1",
        status="evaluation",
        total_budget=D("200000.00"),
        award_rule="fill",
        reserve_list_length=0,
    )
    apps = [
        add_application(call, [5, 5], "130000.00"),
        add_application(call, [4, 4], "100000.00"),
        add_application(call, [3, 3], "60000.00"),
    ]
    rank_call(call.id)
    assert [outcome(a) for a in apps] == [
        ("awarded", 1, D("130000.00")),
        ("not_selected", 2, None),
        ("awarded", 3, D("60000.00")),
    ]
    assert call.awarded_total == D("190000.00")


def test_discrepancy_and_missing_evaluations_are_reported_and_not_ranked(cli, db):
    call = make_call("DISC-1", status="evaluation")
    ranked = add_application(call, [4, 4])
    apart = add_application(call, [5, 3])  # 100 and 60: 40 apart, more than the threshold of 20
    pending = add_application(call, [4, 4], submitted=[True, False])
    single = add_application(call, [4])  # one evaluator of the call's two
    db.session.commit()

    result = cli("calls", "rank", "DISC-1")
    assert result.exit_code == 0, result.output
    assert f"Waiting for an extra evaluator: {apart.reference}." in result.output
    assert f"Missing evaluations: {pending.reference}, {single.reference}." in result.output
    assert outcome(ranked) == ("awarded", 1, D("60000.00"))
    for app in (apart, pending, single):
        stage = app.stages[0]
        assert (stage.status, stage.final_score, stage.rank) == (StageStatus.admissible, None, None)
    assert call.awarded_total == D("60000.00")


def test_the_extra_evaluation_settles_a_discrepancy(db):
    call = make_call("DISC-2", status="evaluation")
    app = add_application(
        call, [5, 3, 4]
    )  # 100, 60, 80: both pairs equally close, so the mean of all three
    assignments = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()
    assignments[-1].extra = True
    settle_scores(
        call
    )  # the evaluations changed outside the application: their final score is settled again
    ranking = rank_call(call.id)
    assert ranking.needs_extra_evaluator == [] and app.stages[0].final_score == D("80")
    assert outcome(app) == ("awarded", 1, D("60000.00"))


def test_restricted_call_shortlists_concept_notes(cli, db):
    call = make_call(
        "CN-1",
        procedure="restricted",
        status="evaluation",
        total_budget=D("200000.00"),
        shortlist_ratio=D("1.0"),
    )
    apps = [
        add_application(call, [score, score], "100000.00", stage=Stage.concept_note)
        for score in (5, 4, 3, 2)
    ]
    db.session.commit()
    result = cli("calls", "rank", "CN-1")
    assert result.exit_code == 0, result.output
    # 100,000 + 100,000 reach 1.0 x 200,000 after two; the concept-note grid passes at 30 of 50
    assert [outcome(a) for a in apps] == [
        ("shortlisted", 1, None),
        ("shortlisted", 2, None),
        ("not_shortlisted", 3, None),
        ("below_threshold", None, None),
    ]
    assert "Concept notes" in result.output
    assert call.awarded_total == 0


def _call_with(count: int) -> Call:
    call = make_call(f"Q-{count}", status="evaluation")
    for i in range(count):
        add_application(call, [2, 2] if i % 5 == 4 else [4, 4])  # every fifth below threshold
    database.session.commit()
    return call


def test_ranking_takes_a_constant_number_of_queries(app, db):
    counts = []
    for size in (5, 25):
        call_id = _call_with(size).id
        db.session.expire_all()
        with count_queries(db.engine) as statements:
            ranking = rank_call(call_id)
        assert len(ranking.below_threshold) == size // 5
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 15, counts
