"""Staff view of a call's evaluation (docs/domain.md 4): how far it has gone, each evaluator's
workload and the evaluators' totals side by side (one application's scores in full:
grants.evaluation.side_by_side).

Only submitted evaluations are shown with their numbers; a draft is "in progress". Everything is
loaded in a fixed number of queries whatever the number of applications; final scores are the stored
ones (grants.evaluation.queries.scores), each evaluation's total grants.rules.scoring's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from grants import clock
from grants.evaluation.queries.scores import Progress, StageScore, grid_rules, stage_scores
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
    Procedure,
    Stage,
    StageStatus,
    User,
)
from grants.rules import scoring
from grants.rules.transitions import IN_EVALUATION

S = StageStatus
SORTS = ("spread", "final", "reference")


def live(assignment: Assignment) -> bool:
    """Not ended by a declared conflict (as grants.evaluation.queries.scores counts them)."""
    return assignment.ended_at is None and assignment.conflict is not ConflictStatus.conflict


def submitted(assignment: Assignment) -> bool:
    return assignment.evaluation is not None and assignment.evaluation.submitted_at is not None


def in_progress(assignment: Assignment) -> bool:
    return assignment.evaluation is not None and assignment.evaluation.submitted_at is None


def overdue(call: Call, assignment: Assignment, now: datetime) -> bool:
    return (
        call.evaluation_due_at is not None
        and now > call.evaluation_due_at
        and not submitted(assignment)
    )


def section_sums(
    grid: tuple[scoring.Grid, dict[int, str]], evaluation: Evaluation
) -> dict[str, Decimal]:
    """Section code -> score of one evaluation; empty when it lacks a valid score for a
    criterion."""
    rules, codes = grid
    try:
        return scoring.section_scores(
            rules, {codes[s.criterion_id]: s.score for s in evaluation.scores}
        )
    except (KeyError, ValueError):
        return {}


def total(sections: dict[str, Decimal]) -> Decimal | None:
    return sum(sections.values(), Decimal(0)) if sections else None


def spread(totals: list[Decimal]) -> Decimal | None:
    return max(totals) - min(totals) if len(totals) > 1 else None


def beyond(spread: Decimal | None, threshold: Decimal) -> bool:
    """The totals are further apart than the discrepancy threshold allows."""
    return spread is not None and spread > threshold


@dataclass(frozen=True)
class Sheet:
    """One live assignment of a stage: its evaluation's total once submitted (never a draft's)."""

    assignment: Assignment
    total: Decimal | None


@dataclass(frozen=True)
class Row:
    stage: ApplicationStage
    sheets: list[Sheet]
    score: StageScore
    threshold: Decimal

    @property
    def spread(self) -> Decimal | None:
        return spread([s.total for s in self.sheets if s.total is not None])

    @property
    def breached(self) -> bool:
        return beyond(self.spread, self.threshold)

    @property
    def final(self) -> Decimal | None:
        return self.score.final.total if self.score.final else None

    @property
    def extra_assigned(self) -> bool:
        return any(s.assignment.extra for s in self.sheets)

    @property
    def discrepancy(self) -> bool:
        return self.score.progress is Progress.needs_extra or self.extra_assigned


@dataclass
class Counts:
    kind: Stage
    applications: int = 0
    understaffed: int = 0  # fewer live assignments than the call's evaluators per application
    assignments: int = 0
    no_conflict: int = 0
    conflicts: int = 0
    awaiting_reassignment: int = 0  # conflicts on applications that now lack an evaluator
    in_progress: int = 0
    submitted: int = 0
    overdue: int = 0
    complete: int = 0  # every evaluation in
    discrepancies: int = 0
    extra_assigned: int = 0
    scored: int = 0


@dataclass
class Workload:
    user: User
    assigned: int = 0
    declared: int = 0  # declared no conflict
    conflicts: int = 0
    in_progress: int = 0
    submitted: int = 0
    overdue: int = 0


@dataclass
class ProgressView:
    counts: list[Counts]
    workloads: list[Workload]
    rows: list[Row]


def _stages(call: Call) -> list[ApplicationStage]:
    return list(
        db.session.scalars(
            select(ApplicationStage)
            .join(ApplicationStage.application)
            .where(Application.call_id == call.id, ApplicationStage.status.in_(IN_EVALUATION))
            .options(contains_eager(ApplicationStage.application).joinedload(Application.lot))
            .order_by(Application.number, ApplicationStage.stage)
        )
    )


def assignments_of(call: Call, stage_id: int | None = None) -> list[Assignment]:
    """The call's assignments (those ended by a conflict too) on stages admissible and beyond, or
    one stage's."""
    query = (
        select(Assignment)
        .join(Assignment.stage)
        .join(ApplicationStage.application)
        .where(Application.call_id == call.id)
        .options(
            joinedload(Assignment.evaluator),
            selectinload(Assignment.evaluation).selectinload(Evaluation.scores),
        )
        .order_by(Assignment.id)
    )
    if stage_id is None:
        return list(db.session.scalars(query.where(ApplicationStage.status.in_(IN_EVALUATION))))
    query = query.where(Assignment.stage_id == stage_id).options(
        selectinload(Assignment.evaluation).selectinload(Evaluation.section_comments)
    )
    return list(db.session.scalars(query))


def _by_stage(assignments: Iterable[Assignment]) -> dict[int, list[Assignment]]:
    result: dict[int, list[Assignment]] = {}
    for a in assignments:
        result.setdefault(a.stage_id, []).append(a)
    return result


def kinds(call: Call) -> list[Stage]:
    if call.procedure is Procedure.restricted:
        return [Stage.concept_note, Stage.full_application]
    return [Stage.full_application]


def progress(call: Call) -> ProgressView:
    assignments = assignments_of(call)
    by_stage = _by_stage(assignments)
    stages = [s for s in _stages(call) if s.status is S.admissible or s.id in by_stage]
    scores = stage_scores(call, stages)
    grids = {kind: grid_rules(call, kind) for kind in {s.stage for s in stages}}
    rows = []
    for stage in stages:
        sheets = [
            Sheet(
                a, total(section_sums(grids[stage.stage], a.evaluation)) if submitted(a) else None
            )
            for a in by_stage.get(stage.id, [])
            if live(a)
        ]
        rows.append(Row(stage, sheets, scores[stage.id], call.discrepancy_threshold))
    return ProgressView(_counts(call, rows, by_stage), _workloads(call, rows, assignments), rows)


def _counts(call: Call, rows: list[Row], by_stage: dict[int, list[Assignment]]) -> list[Counts]:
    now, result = clock.now(), {kind: Counts(kind) for kind in kinds(call)}
    for row in rows:
        counts = result.setdefault(row.stage.stage, Counts(row.stage.stage))
        active = [s.assignment for s in row.sheets]
        lacking = sum(1 for a in active if not a.extra) < call.evaluators_per_application
        conflicts = sum(1 for a in by_stage.get(row.stage.id, []) if not live(a))
        counts.applications += 1
        counts.understaffed += lacking
        counts.assignments += len(active)
        counts.no_conflict += sum(1 for a in active if a.conflict is ConflictStatus.no_conflict)
        counts.conflicts += conflicts
        counts.awaiting_reassignment += conflicts if lacking else 0
        counts.in_progress += sum(1 for a in active if in_progress(a))
        counts.submitted += sum(1 for a in active if submitted(a))
        counts.overdue += sum(1 for a in active if overdue(call, a, now))
        counts.complete += row.score.progress is not Progress.missing
        counts.discrepancies += row.discrepancy
        counts.extra_assigned += row.extra_assigned
        counts.scored += row.score.progress is Progress.scored
    return list(result.values())


def _workloads(call: Call, rows: list[Row], assignments: list[Assignment]) -> list[Workload]:
    """Per evaluator of the pool (and anyone else assigned), over the applications in `rows`."""
    pool = db.session.scalars(
        select(User)
        .join(CallEvaluator, CallEvaluator.user_id == User.id)
        .where(CallEvaluator.call_id == call.id)
    )
    result = {user.id: Workload(user) for user in pool}
    now, shown = clock.now(), {row.stage.id for row in rows}
    for a in assignments:
        if a.stage_id not in shown:
            continue
        load = result.setdefault(a.evaluator_id, Workload(a.evaluator))
        if not live(a):
            load.conflicts += 1
            continue
        load.assigned += 1
        load.declared += a.conflict is ConflictStatus.no_conflict
        load.in_progress += in_progress(a)
        load.submitted += submitted(a)
        load.overdue += overdue(call, a, now)
    return sorted(result.values(), key=lambda w: (name_order(w.user.name), w.user.id))


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    """By spread or final score (highest first, none last), or by reference; ties by reference."""

    def number(row: Row) -> tuple:
        return row.stage.application.number or 0, row.stage.stage.value

    if sort == "reference":
        return sorted(rows, key=number)
    value = (lambda r: r.final) if sort == "final" else (lambda r: r.spread)
    return sorted(rows, key=lambda r: (value(r) is None, -(value(r) or 0), *number(r)))
