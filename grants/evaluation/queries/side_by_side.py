"""One application's scores side by side, for staff (docs/domain.md 4): per criterion each
evaluator's score and comment, section sums, strengths and weaknesses, totals, spread, and the final
score with the evaluations it uses. Submitted evaluations only: a draft is listed as in progress,
never with its numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from grants.evaluation.queries.progress import (
    assignments_of,
    beyond,
    live,
    section_sums,
    spread,
    submitted,
    total,
)
from grants.evaluation.queries.scores import (
    Missed,
    StageScore,
    grid_rules,
    missed_thresholds,
    stage_score,
    stage_scores,
)
from grants.models import ApplicationStage, Assignment, Call, Grid


@dataclass(frozen=True)
class Column:
    """One submitted evaluation: criterion id -> Score, section code -> sum, section id ->
    comments."""

    assignment: Assignment
    scores: dict
    sections: dict[str, Decimal]
    comments: dict
    used: bool

    @property
    def total(self) -> Decimal | None:
        return total(self.sections)


@dataclass
class ScoresView:
    stage: ApplicationStage
    grid: Grid
    columns: list[Column]
    pending: list[Assignment]  # live assignments without a submitted evaluation
    score: StageScore
    threshold: Decimal
    missed: list[Missed] = field(default_factory=list)

    @property
    def spread(self) -> Decimal | None:
        return spread([c.total for c in self.columns if c.total is not None])

    @property
    def breached(self) -> bool:
        return beyond(self.spread, self.threshold)


def application_scores(call: Call, stage: ApplicationStage) -> ScoresView:
    active = [a for a in assignments_of(call, stage.id) if live(a)]
    score = stage_scores(call, [stage])[stage.id]
    rules = grid_rules(call, stage.stage)
    # which evaluations the stored final is the mean of is not stored: the rule says it again from
    # the evaluations
    # shown; `used` indexes the submitted ones in assignment order
    computed = stage_score(call, *rules, active).final if score.final else None
    used = set(computed.used) if computed else set()
    columns = [
        Column(
            a,
            {s.criterion_id: s for s in a.evaluation.scores},
            section_sums(rules, a.evaluation),
            {c.section_id: c for c in a.evaluation.section_comments},
            index in used,
        )
        for index, a in enumerate(a for a in active if submitted(a))
    ]
    return ScoresView(
        stage,
        call.grid_for(stage.stage),
        columns,
        [a for a in active if not submitted(a)],
        score,
        call.discrepancy_threshold,
        missed_thresholds(call, stage.stage, score),
    )
