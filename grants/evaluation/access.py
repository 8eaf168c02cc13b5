"""Who may open what in evaluation: the loaders the routes call (grants/access.py declares the
classes).

An evaluator sees only the calls whose pool they are in and their own active assignments; anything
else answers 404, as if it did not exist. Staff open any call; a stage of another call, or not
submitted, answers 404.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from grants.access import load_or_404
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    Evaluation,
    Grid,
    GridSection,
    LogframeResult,
    User,
)


def call_or_404(call_id: int) -> Call:
    """A call for staff, with its lots and grids."""
    return load_or_404(
        db.session.scalar(
            select(Call)
            .where(Call.id == call_id)
            .options(
                selectinload(Call.lots),
                selectinload(Call.grids)
                .selectinload(Grid.sections)
                .selectinload(GridSection.criteria),
            )
        )
    )


def stage_or_404(call: Call, stage_id: int) -> ApplicationStage:
    """A submitted stage of the call, with its application and lot."""
    return load_or_404(
        db.session.scalar(
            select(ApplicationStage)
            .join(ApplicationStage.application)
            .where(
                ApplicationStage.id == stage_id,
                Application.call_id == call.id,
                ApplicationStage.submitted_at.is_not(None),
            )
            .options(contains_eager(ApplicationStage.application).joinedload(Application.lot))
        )
    )


def membership(user: User, call_id: int) -> tuple[CallEvaluator, Call]:
    """The user's place in the call's pool, and the call; 404 when they are not in it."""
    row = load_or_404(
        db.session.execute(
            select(CallEvaluator, Call)
            .join(Call, Call.id == CallEvaluator.call_id)
            .where(CallEvaluator.call_id == call_id, CallEvaluator.user_id == user.id)
        ).first()
    )
    member, call = row
    return member, call


def my_assignment(user: User, assignment_id: int) -> Assignment:
    """One of the user's active assignments, with the application to read; 404 for anything else."""
    return load_or_404(
        db.session.scalar(
            select(Assignment)
            .where(
                Assignment.id == assignment_id,
                Assignment.evaluator_id == user.id,
                Assignment.ended_at.is_(None),
            )
            .options(
                joinedload(Assignment.stage)
                .joinedload(ApplicationStage.application)
                .selectinload(Application.partners),
                joinedload(Assignment.stage)
                .joinedload(ApplicationStage.application)
                .selectinload(Application.results)
                .selectinload(LogframeResult.indicators),
            )
        )
    )


def scoring_grid_or_404(call: Call, assignment: Assignment) -> Grid:
    """The grid the assignment is scored on, and its evaluation loaded with scores and comments; 404
    while the call has no grid for the stage."""
    grid = load_or_404(
        db.session.scalar(
            select(Grid)
            .where(Grid.call_id == call.id, Grid.stage == assignment.stage.stage)
            .options(selectinload(Grid.sections).selectinload(GridSection.criteria))
        )
    )
    db.session.scalar(
        select(Assignment)
        .where(Assignment.id == assignment.id)
        .options(
            selectinload(Assignment.evaluation).selectinload(Evaluation.scores),
            selectinload(Assignment.evaluation).selectinload(Evaluation.section_comments),
        )
    )
    return grid
