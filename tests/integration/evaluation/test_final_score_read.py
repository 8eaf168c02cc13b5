"""A stage's final score has one home (issue 15.6): stage_final, written by evaluation alone.
`ApplicationStage.final_score` reads it once the stage is decided; the ranking writes no copy, so
scores settled again show at once; a bundle's recorded score is stored through the same writer; the
migration that dropped the copy moved what only the copy held."""

from __future__ import annotations

import json
from decimal import Decimal as D

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text, update

from grants.awards import rank_call
from grants.bundle import export_bundle, import_bundle, load
from grants.evaluation.services.settle import settle_scores
from grants.extensions import db as database
from grants.models import ApplicationStage, Score, SectionFinal, StageFinal
from grants.rules.transitions import StageStatus
from tests.factories import make_call
from tests.factories.awards import EXAMPLE, add_application
from tests.factories.bundle import small, version_1
from tests.factories.migrations import migration_app

COPY = "5b1c0e7a9d21"  # the revision before the stage's copy of its final score was dropped


def test_the_stage_table_holds_no_copy_of_the_final_score():
    assert "final_score" not in ApplicationStage.__table__.c


def test_a_score_settled_again_shows_at_once_on_a_decided_stage(db):
    call = make_call("READ-1", status="evaluation")
    application = add_application(call, [4, 4])  # 80
    rank_call(call.id)
    stage = application.stages[0]
    assert stage.status is StageStatus.awarded and stage.final_score == D("80")
    # an evaluation corrected outside the application, then the repair step
    database.session.execute(update(Score).values(score=5))
    settle_scores(call)
    database.session.expire(stage)
    assert stage.final_score == D("100")  # the copy the ranking wrote would still say 80


def test_an_admissible_stage_shows_no_final_score_until_it_is_decided(db):
    call = import_bundle(load(EXAMPLE))
    database.session.flush()
    admissible = database.session.scalars(
        select(ApplicationStage).where(ApplicationStage.status == StageStatus.admissible)
    ).first()
    assert database.session.get(StageFinal, admissible.id) is not None
    assert admissible.final_score is None
    rank_call(call.id)
    assert admissible.status is not StageStatus.admissible
    assert admissible.final_score == database.session.get(StageFinal, admissible.id).total


def test_a_bundle_records_a_final_score_without_evaluations_and_keeps_it(app, db):
    data = small(2)
    first, second = (a["full_application"] for a in data["applications"])
    first.update(status="awarded", evaluations=[], final_score="70.50", rank=1)
    first["awarded_amount"] = "100000.00"
    second.update(status="awarded", final_score="64.25", rank=2, awarded_amount="90000.00")
    call = import_bundle(json.loads(json.dumps(data)))
    database.session.commit()
    totals = {row.stage_id: row.total for row in database.session.scalars(select(StageFinal))}
    stages = {
        s.application.reference: s for s in database.session.scalars(select(ApplicationStage))
    }
    alone, evaluated = (stages[a["reference"]] for a in data["applications"])
    # as recorded: the bundle's total; sections only where evaluations give them
    assert (totals[alone.id], totals[evaluated.id]) == (D("70.50"), D("64.25"))
    sections = {row.stage_id for row in database.session.scalars(select(SectionFinal))}
    assert alone.id not in sections and evaluated.id in sections
    assert version_1(export_bundle(call)) == data
    # the repair step computes again from evaluations: a stage without any keeps what it recorded
    result = app.test_cli_runner().invoke(args=["calls", "settle-scores", call.reference])
    assert result.exit_code == 0, result.output
    database.session.expire_all()
    assert database.session.get(StageFinal, alone.id).total == D("70.50")
    assert database.session.get(StageFinal, evaluated.id).total != D("64.25")


def test_the_migration_moves_what_only_the_copy_held(tmp_path):
    app = migration_app(tmp_path)
    with app.app_context():
        upgrade()
        call = import_bundle(load(EXAMPLE))
        rank_call(call.id)
        database.session.commit()
        shown = dict(
            database.session.execute(
                select(ApplicationStage.id, ApplicationStage.final_score)
            ).all()
        )
        database.session.remove()
        downgrade(revision=COPY)  # the copy comes back, filled from stage_final
        decided = [i for i, score in shown.items() if score is not None]
        with database.engine.begin() as conn:
            copies = dict(conn.execute(text("SELECT id, final_score FROM application_stage")).all())
            assert {i: D(str(copies[i])) for i in decided} == {i: shown[i] for i in decided}
            # what only the copy held: a stage without a stored score, one with another score
            conn.execute(text("DELETE FROM stage_final WHERE stage_id = :i"), {"i": decided[0]})
            conn.execute(
                text("UPDATE application_stage SET final_score = 12.5 WHERE id = :i"),
                {"i": decided[1]},
            )
        upgrade()
        after = dict(
            database.session.execute(
                select(ApplicationStage.id, ApplicationStage.final_score)
            ).all()
        )
        database.session.remove()
        database.engine.dispose()
    assert after == {**shown, decided[1]: D("12.5")}
