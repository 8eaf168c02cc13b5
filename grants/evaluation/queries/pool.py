"""The staff page of a call's evaluator pool and assignments, and the loaders the assignment use
cases share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.extensions import db
from grants.i18n import name_order
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    ConflictStatus,
    Role,
    StageStatus,
    User,
)


@dataclass
class PoolRow:
    member: CallEvaluator
    assignments: int = 0
    conflicts: list[str] = field(default_factory=list)


@dataclass
class StageRow:
    stage: ApplicationStage
    assignments: list[Assignment] = field(default_factory=list)
    needs: int = 0


@dataclass
class PoolView:
    rows: list[PoolRow]
    stages: list[StageRow]
    candidates: list[User]


def call_assignments(call_id: int) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .join(Assignment.stage)
            .join(ApplicationStage.application)
            .where(Application.call_id == call_id)
            .options(
                joinedload(Assignment.stage).joinedload(ApplicationStage.application),
                joinedload(Assignment.evaluator),
                joinedload(Assignment.evaluation),
            )
            .order_by(Assignment.id)
        )
    )


def admissible_stages(call_id: int) -> list[ApplicationStage]:
    return list(
        db.session.scalars(
            select(ApplicationStage)
            .join(ApplicationStage.application)
            .where(
                Application.call_id == call_id, ApplicationStage.status == StageStatus.admissible
            )
            .options(joinedload(ApplicationStage.application).selectinload(Application.partners))
            .order_by(Application.number, ApplicationStage.id)
        )
    )


def pool_members(call_id: int) -> list[CallEvaluator]:
    return list(
        db.session.scalars(
            select(CallEvaluator)
            .where(CallEvaluator.call_id == call_id)
            .options(joinedload(CallEvaluator.user).joinedload(User.organisation))
            .order_by(CallEvaluator.id)
        )
    )


def pool_view(call: Call) -> PoolView:
    pool = pool_members(call.id)
    assignments = call_assignments(call.id)
    rows = {m.user_id: PoolRow(m) for m in pool}
    by_stage: dict[int, list[Assignment]] = defaultdict(list)
    for a in assignments:
        row = rows.get(a.evaluator_id)
        if a.ended_at is None:
            by_stage[a.stage_id].append(a)
            if row:
                row.assignments += 1
        elif a.conflict is ConflictStatus.conflict and row:
            row.conflicts.append(a.stage.application.reference or a.stage.application.title)
    stages = [
        StageRow(s, by_stage[s.id], max(call.evaluators_per_application - len(by_stage[s.id]), 0))
        for s in admissible_stages(call.id)
    ]
    candidates = list(
        db.session.scalars(
            select(User).where(
                User.role == Role.evaluator, User.active.is_(True), User.id.not_in(list(rows))
            )
        )
    )
    return PoolView(
        sorted(rows.values(), key=lambda r: (name_order(r.member.user.name), r.member.user_id)),
        stages,
        sorted(candidates, key=lambda u: (name_order(u.name), u.id)),
    )
