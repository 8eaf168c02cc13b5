"""Staff side of evaluation: the call's evaluator pool, the assignments and the due date
(docs/domain.md 4)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import func, insert, select

from grants.audit import record
from grants.evaluation.queries.pool import admissible_stages, call_assignments, pool_members
from grants.evaluation.services.settle import needs_extra, notify_assigned, organisations
from grants.extensions import db
from grants.models import Assignment, Call, CallEvaluator, ConflictStatus, Evaluation, Role, User
from grants.rules.assignment import App, Ev, Understaffed, assign
from grants.rules.problems import N_, InputError, Refused
from grants.rules.typed_values import local_to_utc


class AssignmentRefused(Refused):
    """A staff action the rules forbid; the message says why."""


def add_evaluator(call: Call, user_id: int) -> CallEvaluator:
    user = db.session.get(User, user_id)
    if user is None or user.role is not Role.evaluator or not user.active:
        raise AssignmentRefused(N_("Choose an active evaluator."), field="user_id")
    if db.session.scalar(
        select(CallEvaluator).where(
            CallEvaluator.call_id == call.id, CallEvaluator.user_id == user_id
        )
    ):
        raise AssignmentRefused(
            N_("%(name)s is already in the pool."), field="user_id", name=user.name
        )
    member = CallEvaluator(call_id=call.id, user_id=user_id)
    db.session.add(member)
    db.session.flush()
    record("evaluation.pool_add", member, after={"call_id": call.id, "user_id": user_id})
    return member


def remove_evaluator(call: Call, member_id: int) -> None:
    member = db.session.get(CallEvaluator, member_id)
    if member is None or member.call_id != call.id:
        raise AssignmentRefused(N_("This evaluator is not in the pool."))
    if any(a.evaluator_id == member.user_id for a in call_assignments(call.id)):
        raise AssignmentRefused(
            N_("%(name)s has assignments in this call and cannot be removed."),
            name=member.user.name,
        )
    record("evaluation.pool_remove", member, before={"call_id": call.id, "user_id": member.user_id})
    db.session.delete(member)
    db.session.flush()


def auto_assign(call: Call, actor: User) -> tuple[int, list[str]]:
    """Staff every admissible stage up to the call's number of evaluators.

    Returns the number of new assignments and the references of stages that still lack evaluators.
    """
    stages = {s.id: s for s in admissible_stages(call.id)}
    pool = pool_members(call.id)
    assignments = call_assignments(call.id)
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
        chosen = assign(
            apps, evaluators, call.evaluators_per_application, existing, conflicts, load
        )
        missing: dict[int, int] = {}
    except Understaffed as error:
        chosen, missing = error.assigned, error.missing
    new = [
        {"stage_id": stage_id, "evaluator_id": ev, "assigned_by_id": actor.id}
        for stage_id, evs in chosen.items()
        for ev in evs
    ]
    if new:  # one executemany, whatever the number of applications
        db.session.execute(insert(Assignment), new)
    record(
        "evaluation.auto_assign",
        call,
        after={
            "assignments": len(new),
            "applications": len({a["stage_id"] for a in new}),
            "evaluators": len({a["evaluator_id"] for a in new}),
            "understaffed": len(missing),
        },
    )
    per_evaluator = Counter(a["evaluator_id"] for a in new)
    for member in pool:
        if per_evaluator[member.user_id]:
            notify_assigned(member.user, call, per_evaluator[member.user_id])
    refs = [stages[s].application.reference or stages[s].application.title for s in sorted(missing)]
    return len(new), refs


def manual_assign(call: Call, stage_id: int, user_id: int, actor: User) -> Assignment:
    stage = next((s for s in admissible_stages(call.id) if s.id == stage_id), None)
    member = next((m for m in pool_members(call.id) if m.user_id == user_id), None)
    if stage is None:
        raise AssignmentRefused(N_("Choose an admissible application of this call."))
    if member is None:
        raise AssignmentRefused(N_("Choose an evaluator of this call's pool."))
    name, ref = member.user.name, stage.application.reference
    if member.user.organisation_id in organisations(stage):
        raise AssignmentRefused(
            N_("%(name)s belongs to an organisation of %(ref)s and cannot evaluate it."),
            name=name,
            ref=ref,
        )
    previous = db.session.scalar(
        select(Assignment).where(
            Assignment.stage_id == stage_id, Assignment.evaluator_id == user_id
        )
    )
    if previous is not None and previous.conflict is ConflictStatus.conflict:
        raise AssignmentRefused(
            N_("%(name)s declared a conflict of interest with %(ref)s."), name=name, ref=ref
        )
    if previous is not None:
        raise AssignmentRefused(N_("%(name)s is already assigned to %(ref)s."), name=name, ref=ref)
    live = db.session.scalar(
        select(func.count()).where(Assignment.stage_id == stage_id, Assignment.ended_at.is_(None))
    )
    extra = live >= call.evaluators_per_application
    if extra and not needs_extra(stage):  # beyond the call's number only as the one extra evaluator
        raise AssignmentRefused(
            N_("%(ref)s already has its %(count)s evaluators."),
            ref=ref,
            count=call.evaluators_per_application,
        )
    assignment = Assignment(
        stage_id=stage_id, evaluator_id=user_id, assigned_by_id=actor.id, extra=extra
    )
    db.session.add(assignment)
    db.session.flush()
    record(
        "evaluation.assign",
        assignment,
        after={"stage_id": stage_id, "evaluator_id": user_id, "extra": extra},
    )
    notify_assigned(member.user, call, 1)
    return assignment


def remove_assignment(call: Call, assignment_id: int) -> None:
    assignment = next((a for a in call_assignments(call.id) if a.id == assignment_id), None)
    if assignment is None or assignment.ended_at is not None:
        raise AssignmentRefused(N_("This assignment does not exist or has ended."))
    evaluation: Evaluation | None = assignment.evaluation
    if evaluation is not None and evaluation.submitted_at is not None:
        raise AssignmentRefused(
            N_("The evaluation was submitted: the assignment cannot be removed.")
        )
    record(
        "evaluation.unassign",
        assignment,
        before={"stage_id": assignment.stage_id, "evaluator_id": assignment.evaluator_id},
    )
    db.session.delete(assignment)
    db.session.flush()


def set_due_date(call: Call, local: datetime | None, now: datetime) -> None:
    """When evaluators are asked to have submitted, typed in the call's zone (None: no due date); a
    new due date is in the future."""
    try:
        due = local_to_utc(local, call.timezone) if local is not None else None
    except InputError as error:  # a time that cannot be read
        raise Refused(error.message, field="due_at", **error.params) from error
    if due == call.evaluation_due_at:
        return
    if due is not None and due <= now:
        raise Refused(
            N_("This time has passed: evaluators cannot be asked to submit in the past."),
            field="due_at",
        )
    record(
        "evaluation.due_date",
        call,
        before={"evaluation_due_at": call.evaluation_due_at},
        after={"evaluation_due_at": due},
    )
    call.evaluation_due_at = due
    db.session.flush()
