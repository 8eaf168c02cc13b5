"""An evaluator's declarations: impartiality and confidentiality for a call, conflict of interest
per assignment (docs/domain.md 4)."""

from __future__ import annotations

from sqlalchemy import update

from grants.audit import record
from grants.evaluation.services.settle import settle
from grants.extensions import db
from grants.models import Assignment, CallEvaluator, ConflictStatus
from grants.models.base import now_utc


def sign_declaration(member: CallEvaluator) -> None:
    if member.impartiality_signed_at is not None:
        return
    member.impartiality_signed_at = now_utc()
    db.session.flush()
    record(
        "evaluation.impartiality_signed",
        member,
        after={"call_id": member.call_id, "signed_at": member.impartiality_signed_at},
    )


def declare_conflict(assignment: Assignment, conflict: bool, reason: str = "") -> bool:
    """Record the evaluator's declaration (a conflict with what it is); a conflict ends the
    assignment and the application is reassigned. False when the assignment was moved to another
    evaluator meanwhile (nothing is recorded: it is no longer theirs).

    One conditional UPDATE (still this evaluator's, still undeclared): a staff rebalance moving the
    assignment at the same moment either moved it first (then False) or finds it declared and leaves
    it."""
    if assignment.conflict is not ConflictStatus.undeclared:
        return True
    evaluator_id, before = assignment.evaluator_id, {"conflict": assignment.conflict}
    declared_at = now_utc()
    values = {
        "conflict": ConflictStatus.conflict if conflict else ConflictStatus.no_conflict,
        "conflict_declared_at": declared_at,
        "ended_at": declared_at if conflict else None,
        "conflict_reason": (reason.strip() or None) if conflict else None,
    }
    declared = db.session.execute(
        update(Assignment)
        .where(
            Assignment.id == assignment.id,
            Assignment.evaluator_id == evaluator_id,
            Assignment.conflict == ConflictStatus.undeclared,
            Assignment.ended_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(assignment)
    if assignment.evaluator_id != evaluator_id:
        return False  # moved to another evaluator meanwhile
    if not declared:
        return True  # declared meanwhile (a second click)
    record(
        "evaluation.conflict_declared",
        assignment,
        before=before,
        after={
            "conflict": assignment.conflict,
            "ended_at": assignment.ended_at,
            "reason": assignment.conflict_reason,
            "evaluator_id": assignment.evaluator_id,
        },
    )
    if conflict:  # the application goes to another evaluator at once, if the pool has one
        settle(assignment.stage)
    return True
