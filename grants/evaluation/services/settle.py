"""What happens to an application after an evaluation is submitted or an assignment ends
(docs/domain.md 4).

- fewer live evaluators than the call asks for (a declared conflict): another one is assigned;
- all evaluations in and the totals spread more than the discrepancy threshold: one more evaluator
  is assigned and told (once: a replacement only if that evaluator declares a conflict);
- all in and agreeing (or the extra one in): the final score is stored (StageFinal, SectionFinal:
  the total and each section's) and the stage becomes `evaluated` or `below_threshold`.
`settle_scores` stores the final scores of many stages through the same writer without moving them:
a bundle import, and `flask calls settle-scores` (which recomputes what was stored: the repair
step). An evaluator is chosen by grants.rules.assignment (least loaded in the call; never of the
application's organisations, never one who declared a conflict, never twice). When nobody is left,
the stage waits for staff (the pool and progress pages show it).
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from flask import url_for
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import selectinload

from grants import mail
from grants.audit import record
from grants.evaluation.queries.scores import (
    Progress,
    StageScore,
    grid_rules,
    load_sheets,
    sheets_score,
    stage_score,
)
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    Evaluation,
    SectionFinal,
    StageFinal,
    StageStatus,
    User,
)
from grants.models.base import now_utc
from grants.rules import scoring
from grants.rules.assignment import App, Ev, Understaffed, assign
from grants.rules.transitions import RANKABLE
from grants.status import move_stage

POINTS = Decimal("0.0001")  # final scores are stored as Numeric(10, 4)


def stage_assignments(stage: ApplicationStage) -> list[Assignment]:
    """All the stage's assignments, ended ones too, with evaluations and scores."""
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.stage_id == stage.id)
            .options(selectinload(Assignment.evaluation).selectinload(Evaluation.scores))
            .order_by(Assignment.id)
            .execution_options(populate_existing=True)
        )
    )


def settle(stage: ApplicationStage) -> list[Assignment]:
    """Move the stage on as far as its evaluations allow; return the assignments it made.

    The stage's row is locked first: of two evaluations submitted at the same moment, the second to
    get here waits for the first to commit, and then sees both."""
    db.session.execute(
        select(ApplicationStage.id).where(ApplicationStage.id == stage.id).with_for_update()
    )
    db.session.refresh(stage, ["status", "final_score"])
    if stage.status is not StageStatus.admissible:
        return []
    call = stage.application.call
    everyone = stage_assignments(stage)
    live = [a for a in everyone if a.ended_at is None]
    if len(live) < call.evaluators_per_application:
        return top_up(stage, everyone, extra=False)
    grid, codes = grid_rules(call, stage.stage)
    score = stage_score(call, grid, codes, live)
    if score.progress is Progress.needs_extra:
        return top_up(stage, everyone, extra=True)
    if score.progress is Progress.scored:
        _store({stage.id: score})
        _decide(stage, grid, score.final)
    return []


def _decide(stage: ApplicationStage, grid: scoring.Grid, final: scoring.FinalScore) -> None:
    """Evaluated or below the thresholds, judged on the final as stored (what the ranking reads)."""
    stored = scoring.FinalScore(
        final.totals,
        points(final.total),
        {k: points(v) for k, v in final.sections.items()},
        final.used,
    )
    missed = scoring.failed_thresholds(grid, stored)
    move_stage(
        stage,
        StageStatus.below_threshold if missed else StageStatus.evaluated,
        action="evaluation.final_score",
        before={"final_score": None},  # an admissible stage shows none (models.evaluation)
        after={
            "final_score": stored.total,
            "totals": list(final.totals),
            "used": list(final.used),
            "sections": final.sections,
            "missed": missed,
        },
    )
    db.session.flush()


def points(score: Decimal) -> Decimal:
    """A final score at the precision it is stored with."""
    return score.quantize(POINTS, rounding=ROUND_HALF_UP)


def _store(scores: dict[int, StageScore]) -> None:
    """The one writer of stored final scores: each stage's is replaced by the given one (none when
    it has no final); one statement per table, whatever the number of stages."""
    ids = list(scores)
    db.session.execute(delete(SectionFinal).where(SectionFinal.stage_id.in_(ids)))
    db.session.execute(delete(StageFinal).where(StageFinal.stage_id.in_(ids)))
    finals = {
        stage_id: score.final for stage_id, score in scores.items() if score.final is not None
    }
    if not finals:
        return
    at = now_utc()
    db.session.execute(
        insert(StageFinal),
        [
            {"stage_id": stage_id, "total": points(final.total), "settled_at": at}
            for stage_id, final in finals.items()
        ],
    )
    sections = [
        {"stage_id": stage_id, "section": code, "score": points(value)}
        for stage_id, final in finals.items()
        for code, value in final.sections.items()
    ]
    if sections:  # none when every total was recorded by a bundle without evaluations
        db.session.execute(insert(SectionFinal), sections)


def settle_scores(
    call: Call,
    stages: list[ApplicationStage] | None = None,
    recorded: dict[int, Decimal] | None = None,
) -> dict[int, StageScore]:
    """Compute and store again the final scores of the call's stages that have evaluations
    (admissible and beyond: `RANKABLE` and `below_threshold`), or of the given ones, from their live
    evaluations; no status moves. A bundle import calls it for what it imported, with the totals its
    stages record (`recorded`, stage id -> total): a recorded total is the one the stage was decided
    on and is stored as given, with the sections the evaluations give, if any. `flask calls
    settle-scores` calls it to repair; a stage without any evaluation keeps what was stored."""
    recorded = recorded or {}
    if stages is None:
        stages = list(
            db.session.scalars(
                select(ApplicationStage)
                .join(ApplicationStage.application)
                .where(
                    Application.call_id == call.id,
                    ApplicationStage.status.in_((*RANKABLE, StageStatus.below_threshold))
                    | ApplicationStage.id.in_(list(recorded)),
                )
            )
        )
    if not stages:
        return {}
    sheets = load_sheets(call, {s.status for s in stages})
    grids = {kind: grid_rules(call, kind) for kind in {s.stage for s in stages}}
    scores = {
        s.id: sheets_score(call, *grids[s.stage], sheets.get(s.id, []))
        for s in stages
        if s.id in sheets or s.id in recorded
    }
    for stage_id, total in recorded.items():
        scores[stage_id] = _as_recorded(scores.get(stage_id), total)
    _store(scores)
    return scores


def _as_recorded(score: StageScore | None, total: Decimal) -> StageScore:
    """A bundle's recorded total, with the sections and totals of the evaluations if they settle."""
    final = score.final if score is not None else None
    if final is None or final.total is None:
        return StageScore(Progress.scored, scoring.FinalScore((), total))
    return StageScore(
        Progress.scored, scoring.FinalScore(final.totals, total, final.sections, final.used)
    )


def needs_extra(stage: ApplicationStage) -> bool:
    """All the call's evaluations are in and disagree, and no extra evaluator is on the stage."""
    if stage.status is not StageStatus.admissible:
        return False
    call = stage.application.call
    live = [a for a in stage_assignments(stage) if a.ended_at is None]
    if len(live) < call.evaluators_per_application:
        return False
    grid, codes = grid_rules(call, stage.stage)
    return stage_score(call, grid, codes, live).progress is Progress.needs_extra


def organisations(stage: ApplicationStage) -> frozenset[int]:
    """The lead's and the partners' organisations: their members never evaluate the application."""
    application = stage.application
    return frozenset({application.lead_id} | {p.organisation_id for p in application.partners})


def notify_assigned(user: User, call: Call, count: int) -> None:
    mail.send(
        user.email,
        _l("New applications to evaluate in %(call)s", call=call.reference),
        "email/evaluation_assigned.txt",
        locale=user.locale,
        user=user,
        call=call,
        count=count,
        link=url_for("evaluation.call", call_id=call.id, _external=True),
    )


def top_up(stage: ApplicationStage, everyone: list[Assignment], extra: bool) -> list[Assignment]:
    """Assign evaluators automatically: replacements up to the call's number, or the one extra."""
    call = stage.application.call
    live = {a.evaluator_id for a in everyone if a.ended_at is None}
    pool = list(
        db.session.scalars(
            select(CallEvaluator)
            .where(CallEvaluator.call_id == call.id)
            .options(selectinload(CallEvaluator.user))
        )
    )
    users = {m.user_id: m.user for m in pool if m.user.active}
    ended = {(stage.id, a.evaluator_id) for a in everyone if a.ended_at is not None}
    load = Counter(
        dict(
            db.session.execute(
                select(Assignment.evaluator_id, func.count())
                .join(ApplicationStage, Assignment.stage_id == ApplicationStage.id)
                .join(Application, ApplicationStage.application_id == Application.id)
                .where(Application.call_id == call.id, Assignment.ended_at.is_(None))
                .group_by(Assignment.evaluator_id)
            ).all()
        )
    )
    reason = "discrepancy" if extra else "conflict"
    wanted = len(live) + 1 if extra else call.evaluators_per_application
    evaluators = [Ev(user.id, user.organisation_id) for user in users.values()]
    try:
        chosen = assign(
            [App(stage.id, organisations(stage))], evaluators, wanted, {stage.id: live}, ended, load
        )
    except Understaffed as error:
        chosen = error.assigned
        record(
            "evaluation.no_evaluator_available",
            stage,
            after={"reason": reason, "missing": error.missing[stage.id]},
        )
    made = [
        Assignment(stage_id=stage.id, evaluator_id=user_id, extra=extra)
        for user_id in chosen[stage.id]
    ]
    db.session.add_all(made)
    db.session.flush()
    for assignment in made:
        record(
            "evaluation.assign",
            assignment,
            after={
                "stage_id": stage.id,
                "evaluator_id": assignment.evaluator_id,
                "automatic": True,
                "reason": reason,
            },
        )
        notify_assigned(users[assignment.evaluator_id], call, 1)
    return made
