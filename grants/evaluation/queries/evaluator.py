"""An evaluator's own pages: the calls whose pool they are in, and their active assignments in
one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.extensions import db
from grants.models import Application, ApplicationStage, Assignment, Call, CallEvaluator, User


def my_calls(user: User) -> list[tuple[CallEvaluator, Call]]:
    return list(
        db.session.execute(
            select(CallEvaluator, Call)
            .join(Call, Call.id == CallEvaluator.call_id)
            .where(CallEvaluator.user_id == user.id)
            .order_by(Call.reference)
        ).all()
    )


def my_assignments(user: User, call_id: int) -> list[Assignment]:
    """The user's active assignments in the call: ended ones (declared conflicts) are gone for
    them."""
    return list(
        db.session.scalars(
            select(Assignment)
            .join(Assignment.stage)
            .join(ApplicationStage.application)
            .where(
                Assignment.evaluator_id == user.id,
                Assignment.ended_at.is_(None),
                Application.call_id == call_id,
            )
            .options(
                joinedload(Assignment.stage).joinedload(ApplicationStage.application),
                joinedload(Assignment.evaluation),
            )
            .order_by(Application.number, Assignment.id)
        )
    )
