"""Ranking a call: final scores, thresholds, the ranking per lot and the award walk or shortlist.

`rank_call` loads the call's stages and their stored final scores in a fixed number of queries,
hands plain data to grants.rules and writes back final score, status, rank and awarded amount, and
the call's and lots' awarded totals (which the database keeps within budget). Running it again gives
the same result. A stage whose evaluations are not all in, or that needs one more evaluator
(discrepancy), keeps its status and is reported. The request commits; one audit event per run, and
one per stage whose decision (status, final score, rank or amount) the run changes.

Ranking again recomputes every decision from the scores, so it would silently undo the decisions
staff changed by hand (grants.awards.services.decisions). It is refused while the call has such
overrides, unless the caller asks to discard them: they are then marked discarded (kept, with who
and why, for the record; one audit event) and the ranking proceeds. In a restricted call, once the
shortlisted leads were invited (grants.awards.services.invitations), the concept notes' outcomes and
their overrides are settled: ranking again leaves them as they are.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from grants.audit import Event, record, record_all
from grants.awards.errors import RankingError
from grants.awards.queries.invitations import invitations_sent
from grants.awards.queries.overview import active_overrides, rankable_stages
from grants.awards.services.decisions import release_withdrawn
from grants.awards.services.ranking_result import (
    LotRanking,
    Ranking,
    Row,
    ranking_summary,
)
from grants.evaluation.queries.scores import Progress, StageScore, grid_rules, stage_scores
from grants.extensions import db
from grants.models import (
    ApplicationStage,
    Call,
    DecisionOverride,
    Grid,
    GridSection,
    Stage,
    StageStatus,
)
from grants.models.base import now_utc
from grants.rules import scoring
from grants.rules.problems import N_
from grants.rules.ranking import Candidate, Turn, rank_by_lot, shortlist, walk_turns
from grants.rules.transitions import InvalidTransition, check_stage_transition

POINTS = Decimal("0.0001")  # the precision final scores are stored with (Numeric(10, 4))
ZERO = Decimal("0.00")
S = StageStatus
# stages whose outcome a ranking (re)computes; below_threshold is final and only reported


def rank_call(call_id: int, user_id: int | None = None, discard_overrides: bool = False) -> Ranking:
    """Score, rank and decide the call's evaluated stages, per lot; refuse a finalised call, and a
    call with staff overrides unless `discard_overrides`."""
    call = _load_call(call_id)
    if call.finalised_at is not None:
        raise RankingError(
            N_("The decisions of call %(reference)s are final: it cannot be ranked again."),
            reference=call.reference,
        )
    # once the shortlisted leads are invited, the concept notes' outcomes are settled: they are not
    # ranked again
    kinds = (
        (Stage.full_application,)
        if invitations_sent(call.id)
        else (Stage.concept_note, Stage.full_application)
    )
    _settle_overrides(call, kinds, discard_overrides, user_id)
    release_withdrawn(call, user_id)  # the walk's totals below count only the stages it ranks
    before = {"awarded_total": call.awarded_total}
    stages = rankable_stages(call)
    scores = stage_scores(call, stages)  # the stored final scores, and why the others have none yet
    ranking, plan = Ranking(call.reference), _Plan()
    for kind in kinds:
        of_kind = [s for s in stages if s.stage is kind]
        if of_kind:
            _rank_stage(call, kind, of_kind, scores, ranking, plan)
    try:
        plan.write(call, user_id)
        db.session.flush()
    except IntegrityError as error:
        raise RankingError(
            N_("The database refused the decisions of call %(reference)s: %(error)s"),
            reference=call.reference,
            error=str(error.orig),
        ) from error
    record(
        "call.ranked", call, before=before, after=ranking_summary(call, ranking), user_id=user_id
    )
    return ranking


# Loading the call (locked: one ranking of a call at a time) ---------------------------------------


def _load_call(call_id: int) -> Call:
    call = db.session.scalar(
        select(Call)
        .where(Call.id == call_id)
        .with_for_update()  # one ranking of a call at a time
        .options(
            selectinload(Call.lots),
            selectinload(Call.grids).selectinload(Grid.sections).selectinload(GridSection.criteria),
        )
        .execution_options(populate_existing=True)
    )
    if call is None:
        raise RankingError(N_("There is no call with id %(id)s."), id=call_id)
    return call


def _settle_overrides(
    call: Call, kinds: tuple[Stage, ...], discard: bool, user_id: int | None
) -> None:
    overrides = active_overrides(call.id, kinds).subquery()
    count, applications = db.session.execute(
        select(func.count(), func.count(ApplicationStage.application_id.distinct()))
        .select_from(overrides)
        .join(ApplicationStage, overrides.c.stage_id == ApplicationStage.id)
    ).one()
    if not count:
        return
    if not discard:
        raise RankingError(
            N_(
                "Call %(reference)s has decisions changed by staff (applications: %(count)s). "
                "Ranking again recomputes every decision: confirm that these changes are to be "
                "discarded."
            ),
            count=applications,
            reference=call.reference,
        )
    db.session.execute(
        update(DecisionOverride)
        .where(DecisionOverride.id.in_(select(overrides.c.id)))
        .values(discarded_at=now_utc())
        .execution_options(synchronize_session=False)
    )
    record("call.overrides_discarded", call, after={"count": count}, user_id=user_id)


def _final(
    stage: ApplicationStage, score: StageScore, ranking: Ranking
) -> scoring.FinalScore | None:
    """The stage's final score, or None (reported) while evaluations are missing or disagree."""
    if score.progress is Progress.missing:
        ranking.missing_evaluations.append(stage.application.reference)
    elif score.progress is Progress.needs_extra:
        ranking.needs_extra_evaluator.append(stage.application.reference)
    return score.final


class _Plan:
    """The stages' new status, rank and awarded amount, checked move by move against the status
    machine and written in one UPDATE at the end (a flush would send one per changed row). The
    final scores it ranks on are evaluation's, stored (StageFinal): it only reads them."""

    FIELDS = ("status", "rank", "awarded_amount", "award_turn")

    def __init__(self) -> None:
        self.stages: dict[int, ApplicationStage] = {}
        self.values: dict[int, dict] = {}

    def status(self, stage: ApplicationStage) -> StageStatus:
        return self.values.get(stage.id, {}).get("status", stage.status)

    def decide(self, stage: ApplicationStage, status: StageStatus, **values: object) -> None:
        old = self.status(stage)
        if old is not status:
            try:
                check_stage_transition(old, status)
            except InvalidTransition as error:
                raise RankingError(
                    N_("%(reference)s cannot go from '%(old)s' to '%(new)s'."),
                    reference=stage.application.reference,
                    old=error.old,
                    new=error.new,
                ) from error
        self.stages[stage.id] = stage
        self.values.setdefault(stage.id, {}).update(values, status=status)

    def write(self, call: Call, user_id: int | None) -> None:
        """One UPDATE of the changed stages, and one audit event per changed stage (one INSERT of
        them all)."""
        rows, events = [], []
        for stage_id, values in self.values.items():
            stage = self.stages[stage_id]
            row = {f: values.get(f, getattr(stage, f)) for f in self.FIELDS}
            if any(row[f] != getattr(stage, f) for f in self.FIELDS):
                rows.append({"id": stage_id, **row, "updated_at": now_utc()})
                events.append(
                    Event(
                        stage,
                        call.id,
                        stage.application_id,
                        before={
                            "stage": stage.stage,
                            **{f: getattr(stage, f) for f in self.FIELDS},
                        },
                        after={
                            "stage": stage.stage,
                            "reference": stage.application.reference,
                            **row,
                        },
                    )
                )
        if rows:  # ORM bulk UPDATE by primary key: one executemany; the session's objects follow
            db.session.execute(update(ApplicationStage), rows)
            record_all("application.ranked", events, user_id=user_id)
            for row in rows:  # a decided stage shows its stored final score (models.evaluation)
                db.session.expire(self.stages[row["id"]], ["final_score"])


# Ranking and deciding ---------------------------------------------------------------------------


def _rank_stage(
    call: Call,
    kind: Stage,
    stages: list[ApplicationStage],
    scores: dict[int, StageScore],
    ranking: Ranking,
    plan: _Plan,
) -> None:
    candidates = _score(call, kind, stages, scores, ranking, plan)
    by_ref = {s.application.reference: s for s in stages}
    ranked = rank_by_lot(candidates)
    decide = _award if kind is Stage.full_application else _shortlist
    for lot in call.lots or [None]:
        code = lot.code if lot else None
        budget = lot.budget if lot else call.total_budget
        result = LotRanking(
            kind,
            code,
            lot.name if lot else "",
            budget,
            decide(call, ranked.get(code, []), budget, by_ref, plan),
        )
        ranking.lots.append(result)
        if kind is Stage.full_application and lot is not None:
            lot.awarded_total = result.awarded_total
    if kind is Stage.full_application:
        call.awarded_total = sum((r.awarded_total for r in ranking.lots if r.stage is kind), ZERO)


def _score(
    call: Call,
    kind: Stage,
    stages: list[ApplicationStage],
    scores: dict[int, StageScore],
    ranking: Ranking,
    plan: _Plan,
) -> list[Candidate]:
    """Final scores and thresholds: below_threshold, or evaluated and a candidate for the
    ranking."""
    grid, _codes = grid_rules(call, kind)
    lots = {lot.id: lot.code for lot in call.lots}
    candidates = []
    for stage in stages:
        app = stage.application
        if stage.status is S.below_threshold:
            ranking.below_threshold.append(app.reference)
            continue
        if lots and app.lot_id not in lots:
            raise RankingError(
                N_("%(reference)s has no lot, but call %(call)s has lots."),
                reference=app.reference,
                call=call.reference,
            )
        final = _final(stage, scores[stage.id], ranking)
        if final is None:
            continue
        if not scoring.passes(grid, final):
            plan.decide(
                stage,
                S.below_threshold,
                rank=None,
                awarded_amount=None,
                award_turn=None,
            )
            ranking.below_threshold.append(app.reference)
            continue
        plan.decide(stage, S.evaluated if stage.status is S.admissible else stage.status)
        candidates.append(
            Candidate(
                ref=app.reference,
                lot=lots.get(app.lot_id),
                final_total=final.total,
                tie_break_score=final.sections.get(grid.tie_break_section or ""),
                submitted_at=stage.submitted_at,
                number=app.number,
                requested_grant=stage.requested_grant_or_application,
            )
        )
    return candidates


def _points(score: Decimal) -> Decimal:
    return score.quantize(POINTS, rounding=ROUND_HALF_UP)


def _award(
    call: Call,
    ranked: list[Candidate],
    budget: Decimal,
    by_ref: dict[str, ApplicationStage],
    plan: _Plan,
) -> list[Row]:
    turns = walk_turns(
        ranked, budget, call.award_rule.value, call.reserve_list_length, call.grant_max
    )
    rows, cumulative = [], ZERO
    for candidate, turn in zip(ranked, turns, strict=True):
        outcome = turn.outcome
        status = StageStatus(outcome.status)
        plan.decide(
            by_ref[outcome.ref],
            status,
            rank=outcome.rank,
            awarded_amount=outcome.awarded_amount,
            award_turn=_turn_json(turn),
        )
        cumulative += outcome.awarded_amount or ZERO
        rows.append(
            Row(
                outcome.rank,
                outcome.ref,
                _points(candidate.final_total),
                candidate.requested_grant,
                cumulative,
                status,
                outcome.awarded_amount,
            )
        )
    return rows


def _turn_json(turn: Turn) -> dict:
    """Why the walk decided so, kept on the stage for its decision letter
    (grants.awards.queries.letters)."""
    return {
        "why": turn.why,
        "remaining": str(turn.remaining),
        "stop_rank": turn.stop_rank,
        "reserve_full": turn.reserve_full,
    }


def _shortlist(
    call: Call,
    ranked: list[Candidate],
    budget: Decimal,
    by_ref: dict[str, ApplicationStage],
    plan: _Plan,
) -> list[Row]:
    chosen = shortlist(ranked, budget, call.shortlist_ratio)
    rows = []
    for position, candidate in enumerate(ranked, start=1):
        status = S.shortlisted if candidate.ref in chosen else S.not_shortlisted
        plan.decide(
            by_ref[candidate.ref], status, rank=position, awarded_amount=None, award_turn=None
        )
        rows.append(
            Row(
                position,
                candidate.ref,
                _points(candidate.final_total),
                candidate.requested_grant,
                None,
                status,
                None,
            )
        )
    return rows
