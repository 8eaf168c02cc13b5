"""Two evaluators submit the last evaluations of one application at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest

from grants.evaluation.services import scoring
from grants.extensions import db as _db
from grants.models import (
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    ConflictStatus,
    Evaluation,
    Score,
    SectionComment,
    StageStatus,
    User,
)
from grants.models.base import now_utc
from tests.factories import make_application, make_call, make_user
from tests.factories.races import at_once, remove_made, require_postgresql


def _drafts(call: Call, stage: ApplicationStage, evaluators: list[User]) -> list[int]:
    """Complete, unsubmitted evaluations (all 4s: 80 points each) of the stage by the evaluators."""
    grid = call.grid_for(stage.stage)
    ids = []
    for user in evaluators:
        _db.session.add(
            CallEvaluator(call_id=call.id, user_id=user.id, impartiality_signed_at=now_utc())
        )
        assignment = Assignment(
            stage_id=stage.id, evaluator_id=user.id, conflict=ConflictStatus.no_conflict
        )
        assignment.evaluation = Evaluation(
            scores=[
                Score(criterion_id=c.id, score=4, comment="Sound.")
                for s in grid.sections
                for c in s.criteria
            ],
            section_comments=[
                SectionComment(section_id=s.id, strengths="Partners.", weaknesses="Risks.")
                for s in grid.sections
            ],
        )
        _db.session.add(assignment)
        _db.session.flush()
        ids.append(assignment.id)
    return ids


@pytest.mark.postgres
def test_simultaneous_last_submissions_still_give_the_final_score(app):
    with app.app_context():
        require_postgresql()
        started = now_utc()
        call = make_call(reference=f"RACE-EV-{uuid.uuid4().hex[:6].upper()}", status="evaluation")
        application = make_application(call, status="admissible")
        evaluators = [make_user("evaluator"), make_user("evaluator")]
        stage = application.stages[0]
        assignment_ids = _drafts(call, stage, evaluators)
        _db.session.commit()
        call_id, stage_id = call.id, stage.id
        org_ids = [application.lead_id, *(p.organisation_id for p in application.partners)]
        user_ids = [u.id for u in evaluators]
        _db.session.remove()
    barrier = threading.Barrier(2, timeout=30)

    def submit(assignment_id: int):
        def task() -> None:
            assignment = _db.session.get(Assignment, assignment_id)
            grid = assignment.stage.application.call.grid_for(assignment.stage.stage)
            entry = scoring.stored_entry(assignment.evaluation)
            barrier.wait()
            assert scoring.submit(assignment, grid, entry) == {}
            _db.session.commit()

        return task

    try:
        _done, errors = at_once(app, [submit(i) for i in assignment_ids])
        assert not errors
        with app.app_context():
            stage = _db.session.get(ApplicationStage, stage_id)
            assert (stage.status, stage.final_score) == (StageStatus.evaluated, Decimal("80.0000"))
    finally:
        remove_made(app, started, calls=[call_id], users=user_ids, organisations=org_ids)
