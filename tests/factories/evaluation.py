"""Evaluations for the scoring pages: a call with assignments, the scoring form, a submitted
evaluation."""

from __future__ import annotations

from decimal import Decimal

from grants.extensions import db
from grants.models import (
    ApplicationStage,
    Assignment,
    CallEvaluator,
    ConflictStatus,
    StageFinal,
)
from grants.models.base import now_utc
from tests.factories import make_application, make_call


def store_final(stage: ApplicationStage, total: Decimal) -> None:
    """The final score evaluation stores when it decides a stage (StageFinal), for tests that make
    decided stages without evaluations; the stage shows it once decided."""
    db.session.flush()
    db.session.merge(StageFinal(stage_id=stage.id, total=total))
    db.session.flush()
    db.session.expire(stage, ["final_score"])


HIGH = dict.fromkeys(
    [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
        "3.1",
        "3.2",
        "3.3",
        "4.1",
        "4.2",
        "5.1",
        "5.2",
    ],
    5,
)


def _setup(db, evaluators, per_application=2):
    call = make_call(status="evaluation", evaluators_per_application=per_application)
    application = make_application(call, status="admissible")
    stage = application.stages[0]
    assignments = []
    for user in evaluators:
        db.session.add(
            CallEvaluator(call_id=call.id, user_id=user.id, impartiality_signed_at=now_utc())
        )
        assignment = Assignment(
            stage_id=stage.id, evaluator_id=user.id, conflict=ConflictStatus.no_conflict
        )
        db.session.add(assignment)
        assignments.append(assignment)
    db.session.commit()
    return call, application, assignments


def _form(
    call,
    scores: dict[str, int],
    comment="Clear and convincing.",
    strengths="Strong partners.",
    weaknesses="Thin budget detail.",
) -> dict:
    grid = call.grid_for(call.grids[0].stage)
    data = {}
    for section in grid.sections:
        data[f"strengths-{section.id}"], data[f"weaknesses-{section.id}"] = strengths, weaknesses
        for criterion in section.criteria:
            if criterion.code in scores:
                data[f"score-{criterion.id}"] = str(scores[criterion.code])
            data[f"comment-{criterion.id}"] = comment
    return data


def _criterion(call, code):
    return next(
        c for s in call.grid_for(call.grids[0].stage).sections for c in s.criteria if c.code == code
    )


def _submit(client, post, login_as, evaluator, assignment, call, scores):
    login_as(user=evaluator)
    response = post(
        f"/evaluation/assignments/{assignment.id}/score",
        {**_form(call, scores), "action": "submit"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
