"""Final scores are stored once (issue 15.6): the stored total and section finals are the ones the
rule computes from the evaluations; a bundle import stores them, the ranking reads them, `flask
calls settle-scores` computes them again, and the migration that made the tables filled them for the
stages already evaluated."""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, select, text, update

from grants.awards import rank_call
from grants.bundle import import_bundle, load
from grants.evaluation.queries.scores import (
    Progress,
    grid_rules,
    load_sheets,
    sheets_score,
    stage_scores,
)
from grants.evaluation.services.settle import settle_scores
from grants.extensions import db as database
from grants.models import ApplicationStage, Call, SectionFinal, StageFinal
from grants.rules.transitions import RANKABLE, StageStatus
from tests.factories import make_call
from tests.factories.awards import EXAMPLE, EXPECTED, add_application, outcome
from tests.factories.migrations import migration_app

BEFORE = "060eda038159"  # the revision before final scores were stored


def stored() -> dict[int, tuple[D, dict[str, D]]]:
    """Stage id -> its stored total and section finals."""
    sections: dict[int, dict[str, D]] = {}
    for row in database.session.scalars(select(SectionFinal)):
        sections.setdefault(row.stage_id, {})[row.section] = row.score
    return {
        row.stage_id: (row.total, sections.get(row.stage_id, {}))
        for row in database.session.scalars(select(StageFinal))
    }


def computed(call: Call) -> dict[int, tuple[D, dict[str, D]]]:
    """Stage id -> the final score the rule gives from the live evaluations, at the stored
    precision."""

    def points(value: D) -> D:
        return value.quantize(D("0.0001"), rounding=ROUND_HALF_UP)

    statuses = (*RANKABLE, StageStatus.below_threshold)
    stages = database.session.scalars(
        select(ApplicationStage).where(ApplicationStage.status.in_(statuses))
    )
    sheets = load_sheets(call, statuses)
    result = {}
    for stage in stages:
        score = sheets_score(call, *grid_rules(call, stage.stage), sheets.get(stage.id, []))
        if score.progress is Progress.scored:
            result[stage.id] = (
                points(score.final.total),
                {k: points(v) for k, v in score.final.sections.items()},
            )
    return result


def test_a_bundle_import_stores_the_final_scores_the_rule_computes(db):
    call = import_bundle(load(EXAMPLE))
    db.session.commit()
    expected = computed(call)
    # every application of the example call that its ranking scores
    assert len(expected) == sum(1 for a in EXPECTED.values() if a["final_score"] is not None) > 40
    assert stored() == expected
    assert all(sections for _total, sections in expected.values())


def test_the_ranking_reads_the_stored_score(db):
    call = make_call("STORED-1", status="evaluation")
    high, low = add_application(call, [5, 5]), add_application(call, [4, 4])  # 100 and 80
    db.session.execute(
        update(StageFinal).where(StageFinal.stage_id == low.stages[0].id).values(total=D("30"))
    )
    rank_call(call.id)
    assert low.stages[0].final_score == D("30") and outcome(low) == ("below_threshold", None, None)
    assert high.stages[0].final_score == D("100") and outcome(high)[:2] == ("awarded", 1)
    scores = stage_scores(call, [high.stages[0]])
    assert scores[high.stages[0].id].final.total == D("100")


def test_settle_scores_computes_them_again(app, db):
    call = import_bundle(load(EXAMPLE))
    db.session.commit()
    expected = stored()
    some = sorted(expected)[:3]
    db.session.execute(delete(SectionFinal).where(SectionFinal.stage_id.in_(some)))
    db.session.execute(
        update(StageFinal).where(StageFinal.stage_id == some[-1]).values(total=D("1"))
    )
    db.session.execute(delete(StageFinal).where(StageFinal.stage_id.in_(some[:2])))
    db.session.commit()
    assert stored() != expected

    result = app.test_cli_runner().invoke(args=["calls", "settle-scores", "TTGS-DEMO"])

    assert result.exit_code == 0, result.output
    assert (
        "Stored the final scores of 43 of 43 evaluated application stage(s) of TTGS-DEMO."
        in result.output
    )
    db.session.expire_all()
    assert stored() == expected == computed(call)
    assert app.test_cli_runner().invoke(args=["calls", "settle-scores", "NOPE-1"]).exit_code != 0


def test_a_stage_whose_evaluations_disagree_has_no_stored_score(db):
    call = make_call("STORED-2", status="evaluation")
    apart = add_application(call, [5, 3])  # 100 and 60: further apart than the threshold
    stage = apart.stages[0]
    assert stage.id not in stored()
    assert stage_scores(call, [stage])[stage.id].progress is Progress.needs_extra
    assert (
        settle_scores(call)[stage.id].progress is Progress.needs_extra and stage.id not in stored()
    )


def test_the_migration_fills_the_scores_of_the_stages_already_evaluated(tmp_path):
    app = migration_app(tmp_path)
    with app.app_context():
        upgrade()
        call = import_bundle(load(EXAMPLE))
        database.session.commit()
        expected = computed(call)
        database.session.remove()
        downgrade(revision=BEFORE)  # the tables go with what they held
        upgrade()
        with database.engine.connect() as conn:
            totals = {
                stage_id: D(str(total))
                for stage_id, total in conn.execute(text("SELECT stage_id, total FROM stage_final"))
            }
            sections = {
                (stage_id, code): D(str(score))
                for stage_id, code, score in conn.execute(
                    text("SELECT stage_id, section, score FROM section_final")
                )
            }
        database.session.remove()
        database.engine.dispose()
    assert totals == {stage_id: total for stage_id, (total, _s) in expected.items()}
    assert sections == {
        (stage_id, code): score
        for stage_id, (_t, s) in expected.items()
        for code, score in s.items()
    }
