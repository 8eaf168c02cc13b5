"""Staff side of evaluation: the call's evaluator pool and the assignments (docs/domain.md 4)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, insert, select
from sqlalchemy.orm import joinedload

from grants.audit import record
from grants.evaluation.settle import needs_extra, notify_assigned, organisations
from grants.extensions import db
from grants.i18n import name_order
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    ConflictStatus,
    Evaluation,
    Role,
    StageStatus,
    User,
)
from grants.rules.assignment import App, Ev, Understaffed, assign


class AssignmentRefused(Exception):
    """A staff action the rules forbid; the message says why."""


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


def _call_assignments(call_id: int) -> list[Assignment]:
    return list(db.session.scalars(
        select(Assignment).join(Assignment.stage).join(ApplicationStage.application)
        .where(Application.call_id == call_id)
        .options(joinedload(Assignment.stage).joinedload(ApplicationStage.application),
                 joinedload(Assignment.evaluator), joinedload(Assignment.evaluation))
        .order_by(Assignment.id)))


def _admissible_stages(call_id: int) -> list[ApplicationStage]:
    return list(db.session.scalars(
        select(ApplicationStage).join(ApplicationStage.application)
        .where(Application.call_id == call_id, ApplicationStage.status == StageStatus.admissible)
        .options(joinedload(ApplicationStage.application).selectinload(Application.partners))
        .order_by(Application.number, ApplicationStage.id)))


def _pool(call_id: int) -> list[CallEvaluator]:
    return list(db.session.scalars(
        select(CallEvaluator).where(CallEvaluator.call_id == call_id)
        .options(joinedload(CallEvaluator.user).joinedload(User.organisation)).order_by(CallEvaluator.id)))


def pool_view(call: Call) -> PoolView:
    pool = _pool(call.id)
    assignments = _call_assignments(call.id)
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
    stages = [StageRow(s, by_stage[s.id], max(call.evaluators_per_application - len(by_stage[s.id]), 0))
              for s in _admissible_stages(call.id)]
    candidates = list(db.session.scalars(
        select(User).where(User.role == Role.evaluator, User.active.is_(True), User.id.not_in(list(rows)))))
    return PoolView(sorted(rows.values(), key=lambda r: (name_order(r.member.user.name), r.member.user_id)), stages,
                    sorted(candidates, key=lambda u: (name_order(u.name), u.id)))


def add_evaluator(call: Call, user_id: int) -> CallEvaluator:
    user = db.session.get(User, user_id)
    if user is None or user.role is not Role.evaluator or not user.active:
        raise AssignmentRefused(_("Choose an active evaluator."))
    if db.session.scalar(select(CallEvaluator).where(CallEvaluator.call_id == call.id,
                                                     CallEvaluator.user_id == user_id)):
        raise AssignmentRefused(_("%(name)s is already in the pool.", name=user.name))
    member = CallEvaluator(call_id=call.id, user_id=user_id)
    db.session.add(member)
    db.session.flush()
    record("evaluation.pool_add", member, after={"call_id": call.id, "user_id": user_id})
    return member


def remove_evaluator(call: Call, member_id: int) -> None:
    member = db.session.get(CallEvaluator, member_id)
    if member is None or member.call_id != call.id:
        raise AssignmentRefused(_("This evaluator is not in the pool."))
    if any(a.evaluator_id == member.user_id for a in _call_assignments(call.id)):
        raise AssignmentRefused(_("%(name)s has assignments in this call and cannot be removed.",
                                  name=member.user.name))
    record("evaluation.pool_remove", member, before={"call_id": call.id, "user_id": member.user_id})
    db.session.delete(member)
    db.session.flush()


def auto_assign(call: Call, actor: User) -> tuple[int, list[str]]:
    """Staff every admissible stage up to the call's number of evaluators.

    Returns the number of new assignments and the references of stages that still lack evaluators.
    """
    stages = {s.id: s for s in _admissible_stages(call.id)}
    pool = _pool(call.id)
    assignments = _call_assignments(call.id)
    existing: dict[int, set[int]] = defaultdict(set)
    load: Counter[int] = Counter()
    for a in assignments:
        if a.ended_at is None:
            existing[a.stage_id].add(a.evaluator_id)
            load[a.evaluator_id] += 1
    # an ended assignment (a declared conflict) is never renewed
    conflicts = {(a.stage_id, a.evaluator_id) for a in assignments if a.ended_at is not None}
    apps = [App(s.id, organisations(s)) for s in stages.values()]
    evaluators = [Ev(m.user_id, m.user.organisation_id) for m in pool]
    try:
        chosen = assign(apps, evaluators, call.evaluators_per_application, existing, conflicts, load)
        missing: dict[int, int] = {}
    except Understaffed as error:
        chosen, missing = error.assigned, error.missing
    new = [{"stage_id": stage_id, "evaluator_id": ev, "assigned_by_id": actor.id}
           for stage_id, evs in chosen.items() for ev in evs]
    if new:  # one executemany, whatever the number of applications
        db.session.execute(insert(Assignment), new)
    record("evaluation.auto_assign", call, after={
        "assignments": len(new), "applications": len({a["stage_id"] for a in new}),
        "evaluators": len({a["evaluator_id"] for a in new}), "understaffed": len(missing)})
    per_evaluator = Counter(a["evaluator_id"] for a in new)
    for member in pool:
        if per_evaluator[member.user_id]:
            notify_assigned(member.user, call, per_evaluator[member.user_id])
    refs = [stages[s].application.reference or stages[s].application.title for s in sorted(missing)]
    return len(new), refs


def manual_assign(call: Call, stage_id: int, user_id: int, actor: User) -> Assignment:
    stage = next((s for s in _admissible_stages(call.id) if s.id == stage_id), None)
    member = next((m for m in _pool(call.id) if m.user_id == user_id), None)
    if stage is None:
        raise AssignmentRefused(_("Choose an admissible application of this call."))
    if member is None:
        raise AssignmentRefused(_("Choose an evaluator of this call's pool."))
    name, ref = member.user.name, stage.application.reference
    if member.user.organisation_id in organisations(stage):
        raise AssignmentRefused(_("%(name)s belongs to an organisation of %(ref)s and cannot evaluate it.",
                                  name=name, ref=ref))
    previous = db.session.scalar(select(Assignment).where(Assignment.stage_id == stage_id,
                                                          Assignment.evaluator_id == user_id))
    if previous is not None and previous.conflict is ConflictStatus.conflict:
        raise AssignmentRefused(_("%(name)s declared a conflict of interest with %(ref)s.", name=name, ref=ref))
    if previous is not None:
        raise AssignmentRefused(_("%(name)s is already assigned to %(ref)s.", name=name, ref=ref))
    live = db.session.scalar(select(func.count()).where(Assignment.stage_id == stage_id, Assignment.ended_at.is_(None)))
    extra = live >= call.evaluators_per_application
    if extra and not needs_extra(stage):  # beyond the call's number only as the one extra evaluator
        raise AssignmentRefused(_("%(ref)s already has its %(count)d evaluators.", ref=ref,
                                  count=call.evaluators_per_application))
    assignment = Assignment(stage_id=stage_id, evaluator_id=user_id, assigned_by_id=actor.id, extra=extra)
    db.session.add(assignment)
    db.session.flush()
    record("evaluation.assign", assignment, after={"stage_id": stage_id, "evaluator_id": user_id, "extra": extra})
    notify_assigned(member.user, call, 1)
    return assignment


def remove_assignment(call: Call, assignment_id: int) -> None:
    assignment = next((a for a in _call_assignments(call.id) if a.id == assignment_id), None)
    if assignment is None or assignment.ended_at is not None:
        raise AssignmentRefused(_("This assignment does not exist or has ended."))
    evaluation: Evaluation | None = assignment.evaluation
    if evaluation is not None and evaluation.submitted_at is not None:
        raise AssignmentRefused(_("The evaluation was submitted: the assignment cannot be removed."))
    record("evaluation.unassign", assignment,
           before={"stage_id": assignment.stage_id, "evaluator_id": assignment.evaluator_id})
    db.session.delete(assignment)
    db.session.flush()

