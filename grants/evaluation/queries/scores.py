"""Final scores of a call's stages: evaluation's read model, which the ranking, its page, the
letters and the exports read (docs/domain.md 4).

A stage's final score is stored when evaluation decides it (grants.evaluation.services.settle,
models StageFinal and SectionFinal); `stage_scores` reads it. A stage without one is still waiting:
its progress (evaluations missing, or disagreeing and waiting for one more evaluator) comes from its
live assignments' sheets, loaded as plain rows in one query (`load_sheets`). The arithmetic is
grants.rules.scoring's; the rule that turns sheets into a final (`sheets_score`) is used by the
writer and for that progress only.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    ConflictStatus,
    Evaluation,
    Score,
    SectionFinal,
    Stage,
    StageFinal,
)
from grants.rules import scoring
from grants.rules.problems import N_, Refused


class NoGrid(Refused):
    """The call has no evaluation grid for a stage it scores."""


class Progress(enum.Enum):
    scored = "scored"  # a final score
    missing = "missing"  # evaluations not all assigned or submitted
    needs_extra = "needs_extra"  # the totals disagree: one more evaluator is needed


@dataclass(frozen=True)
class StageScore:
    progress: Progress
    final: scoring.FinalScore | None = None


@dataclass(frozen=True)
class Sheet:
    """One live assignment as the final score counts it: the extra evaluator's or not, and its
    evaluation's scores (criterion id -> score) once submitted, else None."""

    extra: bool
    scores: dict[int, int | None] | None


def sheet(assignment: Assignment) -> Sheet:
    evaluation = assignment.evaluation
    submitted = evaluation is not None and evaluation.submitted_at is not None
    return Sheet(
        assignment.extra,
        {s.criterion_id: s.score for s in evaluation.scores} if submitted else None,
    )


def load_sheets(
    call: Call, statuses: Iterable = (), stage_ids: Iterable[int] | None = None
) -> dict[int, list[Sheet]]:
    """Stage id -> its live assignments' sheets in assignment order, for the call's stages in the
    given statuses, or for the given stages of the call only (a page of them): one query of plain
    rows."""
    submitted = Evaluation.submitted_at.is_not(None)
    query = (
        select(
            Assignment.stage_id,
            Assignment.id,
            Assignment.extra,
            submitted,
            Score.criterion_id,
            Score.score,
        )
        .outerjoin(Evaluation, Evaluation.assignment_id == Assignment.id)
        .outerjoin(Score, (Score.evaluation_id == Evaluation.id) & submitted)
        .where(Assignment.ended_at.is_(None), Assignment.conflict != ConflictStatus.conflict)
        .order_by(Assignment.id)
    )
    if stage_ids is None:
        query = (
            query.join(ApplicationStage, Assignment.stage_id == ApplicationStage.id)
            .join(Application, ApplicationStage.application_id == Application.id)
            .where(Application.call_id == call.id, ApplicationStage.status.in_(tuple(statuses)))
        )
    else:
        query = query.where(Assignment.stage_id.in_(tuple(stage_ids)))
    found: dict[int, list[Sheet]] = {}
    last, sheet = None, None
    for stage_id, assignment_id, extra, done, criterion_id, score in db.session.execute(query):
        if assignment_id != last:  # the rows of one assignment come together
            last, sheet = assignment_id, Sheet(extra, {} if done else None)
            found.setdefault(stage_id, []).append(sheet)
        if criterion_id is not None:
            sheet.scores[criterion_id] = score
    return found


def grid_rules(call: Call, kind: Stage) -> tuple[scoring.Grid, dict[int, str]]:
    """The stage's grid as plain rule data, and criterion id -> code."""
    grid = call.grid_for(kind)
    if grid is None:
        raise NoGrid(
            N_("Call %(reference)s has no evaluation grid for the %(stage)s stage."),
            reference=call.reference,
            stage=kind.value,
        )
    return grid.rules()


def stage_score(
    call: Call, grid: scoring.Grid, codes: dict[int, str], assignments: list[Assignment]
) -> StageScore:
    """The stage's final score computed from its live assignments, once every assigned evaluation is
    in and they agree (docs/domain.md 4); what grants.evaluation.services.settle stores."""
    return sheets_score(call, grid, codes, [sheet(a) for a in assignments])


def sheets_score(
    call: Call, grid: scoring.Grid, codes: dict[int, str], sheets: list[Sheet]
) -> StageScore:
    """stage_score, computed from the live assignments' sheets."""
    extra = any(s.extra for s in sheets)
    submitted = [s.scores for s in sheets if s.scores is not None]
    if len(submitted) < len(sheets) or len(sheets) < call.evaluators_per_application + extra:
        return StageScore(Progress.missing)
    try:
        final = scoring.final_scores(
            grid,
            [{codes[c]: score for c, score in scores.items()} for scores in submitted],
            call.discrepancy_threshold,
            extra_evaluator=extra,
        )
    except (
        KeyError,
        ValueError,
    ):  # a submitted evaluation without a score for every criterion of the grid
        return StageScore(Progress.missing)
    if final.needs_extra_evaluator:
        return StageScore(Progress.needs_extra)
    return StageScore(Progress.scored, final)


@dataclass(frozen=True)
class Missed:
    """A threshold the final score did not reach: the total (`section` "") or a section's."""

    section: str
    title: str  # the section's title in English, `title_tr` in Turkish (either may be empty)
    score: Decimal
    threshold: Decimal
    title_tr: str = ""


def missed_thresholds(call: Call, kind: Stage, score: StageScore | None) -> list[Missed]:
    if score is None or score.final is None:
        return []
    grid, _codes = grid_rules(call, kind)
    titles = {s.code: (s.title, s.title_tr) for s in call.grid_for(kind).sections}
    final = score.final
    return [
        Missed("", "", final.total, grid.pass_threshold)
        if code == "total"
        else Missed(
            code,
            titles[code][0],
            final.sections[code],
            grid.section(code).threshold,
            titles[code][1],
        )
        for code in scoring.failed_thresholds(grid, final)
    ]


def stored_finals(
    call: Call, statuses: Iterable = (), stage_ids: Iterable[int] | None = None
) -> dict[int, scoring.FinalScore]:
    """Stage id -> its stored final score (total and sections; not the evaluations' totals), for the
    call's stages in the given statuses, or for the given stages of the call only: one query."""
    query = select(
        StageFinal.stage_id, StageFinal.total, SectionFinal.section, SectionFinal.score
    ).outerjoin(SectionFinal, SectionFinal.stage_id == StageFinal.stage_id)
    if stage_ids is None:
        query = (
            query.join(ApplicationStage, StageFinal.stage_id == ApplicationStage.id)
            .join(Application, ApplicationStage.application_id == Application.id)
            .where(Application.call_id == call.id, ApplicationStage.status.in_(tuple(statuses)))
        )
    else:
        query = query.where(StageFinal.stage_id.in_(tuple(stage_ids)))
    totals: dict[int, Decimal] = {}
    sections: dict[int, dict[str, Decimal]] = {}
    for stage_id, stored_total, section, score in db.session.execute(query):
        totals[stage_id] = stored_total
        if section is not None:
            sections.setdefault(stage_id, {})[section] = score
    return {
        stage_id: scoring.FinalScore(totals=(), total=value, sections=sections.get(stage_id, {}))
        for stage_id, value in totals.items()
    }


def stage_scores(
    call: Call, stages: Iterable[ApplicationStage], by_id: bool = False
) -> dict[int, StageScore]:
    """Stage id -> its score, for stages of one call: the stored final, or the progress of a stage
    without one.

    Two queries at most: the stored finals, then the sheets of the stages without one: with `by_id`
    the assignments of these stages only (a page of a call's stages), else those of every stage of
    the call in their statuses (for most of the call's stages)."""
    stages = list(stages)
    if not stages:
        return {}
    finals = (
        stored_finals(call, stage_ids=[s.id for s in stages])
        if by_id
        else stored_finals(call, {s.status for s in stages})
    )
    waiting = [s for s in stages if s.id not in finals]
    scores = {s.id: StageScore(Progress.scored, finals[s.id]) for s in stages if s.id in finals}
    if not waiting:
        return scores
    sheets = (
        load_sheets(call, stage_ids=[s.id for s in waiting])
        if by_id
        else load_sheets(call, {s.status for s in waiting})
    )
    grids = {kind: grid_rules(call, kind) for kind in {s.stage for s in waiting}}
    for stage in waiting:
        score = sheets_score(call, *grids[stage.stage], sheets.get(stage.id, []))
        # complete and agreeing, yet nothing stored: only data written around evaluation (before
        # `flask calls settle-scores`) is so; it has no final score until settled
        scores[stage.id] = (
            score if score.progress is Progress.needs_extra else StageScore(Progress.missing)
        )
    return scores
