"""Evaluator side: the calls in which a user evaluates, the declarations, their own assignments."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from grants.audit import record
from grants.evaluation.settle import settle
from grants.extensions import db
from grants.models import Application, ApplicationStage, Assignment, Call, CallEvaluator, ConflictStatus, User
from grants.models.base import now_utc


def my_calls(user: User) -> list[tuple[CallEvaluator, Call]]:
    return list(db.session.execute(
        select(CallEvaluator, Call).join(Call, Call.id == CallEvaluator.call_id)
        .where(CallEvaluator.user_id == user.id).order_by(Call.reference)).all())


def membership(user: User, call_id: int) -> tuple[CallEvaluator, Call]:
    """The user's place in the call's pool, and the call; 404 when they are not in it."""
    row = db.session.execute(
        select(CallEvaluator, Call).join(Call, Call.id == CallEvaluator.call_id)
        .where(CallEvaluator.call_id == call_id, CallEvaluator.user_id == user.id)).first()
    if row is None:
        abort(404)
    member, call = row
    return member, call


def sign_declaration(member: CallEvaluator) -> None:
    if member.impartiality_signed_at is not None:
        return
    member.impartiality_signed_at = now_utc()
    db.session.flush()
    record("evaluation.impartiality_signed", member,
           after={"call_id": member.call_id, "signed_at": member.impartiality_signed_at})


def my_assignments(user: User, call_id: int) -> list[Assignment]:
    """The user's active assignments in the call: ended ones (declared conflicts) are gone for them."""
    return list(db.session.scalars(
        select(Assignment).join(Assignment.stage).join(ApplicationStage.application)
        .where(Assignment.evaluator_id == user.id, Assignment.ended_at.is_(None), Application.call_id == call_id)
        .options(joinedload(Assignment.stage).joinedload(ApplicationStage.application),
                 joinedload(Assignment.evaluation))
        .order_by(Application.number, Assignment.id)))


def my_assignment(user: User, assignment_id: int) -> Assignment:
    """One of the user's active assignments, with the application to read; 404 for anything else."""
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.id == assignment_id, Assignment.evaluator_id == user.id,
                                 Assignment.ended_at.is_(None))
        .options(joinedload(Assignment.stage).joinedload(ApplicationStage.application)
                 .selectinload(Application.partners)))
    if assignment is None:
        abort(404)
    return assignment


def declare_conflict(assignment: Assignment, conflict: bool, reason: str = "") -> None:
    """Record the evaluator's declaration (a conflict with what it is); a conflict ends the assignment and the
    application is reassigned.

    One conditional UPDATE (still this evaluator's, still undeclared): a staff rebalance moving the
    assignment at the same moment either moved it first (then it is no longer theirs: 404) or finds it
    declared and leaves it."""
    if assignment.conflict is not ConflictStatus.undeclared:
        return
    evaluator_id, before = assignment.evaluator_id, {"conflict": assignment.conflict}
    declared_at = now_utc()
    values = {"conflict": ConflictStatus.conflict if conflict else ConflictStatus.no_conflict,
              "conflict_declared_at": declared_at, "ended_at": declared_at if conflict else None,
              "conflict_reason": (reason.strip() or None) if conflict else None}
    declared = db.session.execute(
        update(Assignment).where(Assignment.id == assignment.id, Assignment.evaluator_id == evaluator_id,
                                 Assignment.conflict == ConflictStatus.undeclared, Assignment.ended_at.is_(None))
        .values(**values).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(assignment)
    if assignment.evaluator_id != evaluator_id:
        abort(404)  # moved to another evaluator meanwhile
    if not declared:
        return  # declared meanwhile (a second click)
    record("evaluation.conflict_declared", assignment, before=before,
           after={"conflict": assignment.conflict, "ended_at": assignment.ended_at,
                  "reason": assignment.conflict_reason, "evaluator_id": assignment.evaluator_id})
    if conflict:  # the application goes to another evaluator at once, if the pool has one
        settle(assignment.stage)
