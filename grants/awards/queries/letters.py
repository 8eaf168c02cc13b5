"""Decision letters: who gets one, what it says and why, and its PDF in the reader's language.

Every submitted application of a call gets a letter about its current stage (the full application
if one was submitted, else the concept note), unless it was withdrawn. The data is gathered here in
a fixed number of queries and handed to reports.letters, which renders it with the application's
Jinja environment under the locale chosen by the caller (grants.letters.queries.render_pdf).

The reason a letter gives is the true one (docs/domain.md 5). When staff set the current decision
(an override or a promotion that still stands), the letter gives their written justification and no
budget reason. Otherwise it gives what the award walk found when it came to the application (kept
on the stage by the ranking: the budget left then, where a strict walk stopped, a full reserve
list, a request above the maximum grant), and says so when applications ranked lower were awarded,
by the call's award rule or by staff. A reduced grant is told by how much, and why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from grants.applications.access import is_lead_member
from grants.awards.queries.overview import active_overrides, load_call, submitted_stages
from grants.evaluation.queries.scores import StageScore, missed_thresholds, stage_scores
from grants.extensions import db
from grants.letters import queries as letter_queries
from grants.letters.queries import letter_header
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    DecisionOverride,
    LetterKind,
    Stage,
    StageStatus,
    User,
)
from grants.rules.transitions import CHOSEN, DECIDED, IN_EVALUATION, UNDECIDED
from grants.settings.queries import letterhead
from reports.letters import Letter, Letterhead, MissedThreshold, Reason, SectionScore

S = StageStatus
# the status the walk's reason leads to (grants.rules.ranking.Turn.why)
WALKED = {
    "fits": S.awarded,
    "above_max": S.not_selected,
    "does_not_fit": S.reserve,
    "after_stop": S.reserve,
}


def letter_stages(
    call: Call, application_id: int | None = None, among: Collection[int] | None = None
) -> list[ApplicationStage]:
    """The stage each letter is about, per submitted application of the call (or of one
    application, or of those `among`)."""
    current: dict[int, ApplicationStage] = {}
    for stage in submitted_stages(
        call, application_id, among
    ):  # concept notes first: a full application replaces it
        if stage.stage is Stage.full_application or stage.application_id not in current:
            current[stage.application_id] = stage
    return [s for s in current.values() if s.status is not S.withdrawn]


def reserve_positions(call: Call) -> dict[int, int]:
    """Stage id -> its place on the reserve list of its lot (rank order)."""
    rows = db.session.execute(
        select(ApplicationStage.id, ApplicationStage.stage, Application.lot_id)
        .join(ApplicationStage.application)
        .where(Application.call_id == call.id, ApplicationStage.status == S.reserve)
        .order_by(ApplicationStage.rank, Application.number)
    )
    seen: dict[tuple, int] = {}
    positions = {}
    for stage_id, kind, lot_id in rows:
        seen[kind, lot_id] = seen.get((kind, lot_id), 0) + 1
        positions[stage_id] = seen[kind, lot_id]
    return positions


@dataclass(frozen=True)
class _Ranked:
    """A ranked stage of the call as it stands: enough to tell who was chosen below it, and how."""

    id: int
    group: tuple  # (stage kind, lot id): one ranking
    rank: int
    status: StageStatus
    by_staff: bool


class _Rankings:
    """The call's rankings as decided, and the staff decisions that still stand (two queries)."""

    def __init__(self, call: Call) -> None:
        self.latest: dict[int, DecisionOverride] = {}
        for override in db.session.scalars(
            active_overrides(call.id).order_by(DecisionOverride.at, DecisionOverride.id)
        ):
            self.latest[override.stage_id] = override
        rows = db.session.execute(
            select(
                ApplicationStage.id,
                ApplicationStage.stage,
                Application.lot_id,
                ApplicationStage.rank,
                ApplicationStage.status,
                ApplicationStage.awarded_amount,
            )
            .join(ApplicationStage.application)
            .where(
                Application.call_id == call.id,
                ApplicationStage.rank.is_not(None),
                ApplicationStage.status.in_(DECIDED),
            )
        )
        self.groups: dict[tuple, list[_Ranked]] = defaultdict(list)
        for stage_id, kind, lot_id, rank, status, amount in rows:
            self.groups[kind, lot_id].append(
                _Ranked(
                    stage_id, (kind, lot_id), rank, status, self._by_staff(stage_id, status, amount)
                )
            )

    def _by_staff(self, stage_id: int, status: StageStatus, amount: Decimal | None) -> bool:
        override = self.latest.get(stage_id)
        return (
            override is not None and override.to_status is status and override.to_amount == amount
        )

    def size(self, stage: ApplicationStage) -> int | None:
        group = self.groups.get((stage.stage, stage.application.lot_id), [])
        return max((r.rank for r in group), default=None)

    def reason(self, call: Call, stage: ApplicationStage) -> Reason:
        if stage.rank is None or stage.status not in DECIDED:
            return Reason()
        if self._by_staff(stage.id, stage.status, stage.awarded_amount):
            return Reason(by_staff=True, justification=self.latest[stage.id].justification)
        lower = [
            r
            for r in self.groups.get((stage.stage, stage.application.lot_id), [])
            if r.rank > stage.rank and r.status in CHOSEN
        ]
        flags = {
            "lower_chosen_by_rule": any(not r.by_staff for r in lower),
            "lower_chosen_by_staff": any(r.by_staff for r in lower),
        }
        turn = stage.award_turn
        if (
            stage.stage is not Stage.full_application
            or not turn
            or _walked(turn) is not stage.status
        ):
            return Reason(
                **flags
            )  # no walk to tell of (or settings changed since): no budget reason is claimed
        lot = next((lot for lot in call.lots if lot.id == stage.application.lot_id), None)
        left = lot.budget - lot.awarded_total if lot else call.total_budget - call.awarded_total
        return Reason(
            why=turn["why"],
            remaining=Decimal(turn["remaining"]),
            stop_rank=turn.get("stop_rank"),
            reserve_full=bool(turn.get("reserve_full")),
            reserve_list_length=call.reserve_list_length,
            max_grant=call.grant_max,
            left=left,
            **flags,
        )


def _walked(turn: dict) -> StageStatus | None:
    return S.not_selected if turn.get("reserve_full") else WALKED.get(turn.get("why"))


def build_letters(
    call: Call, stages: list[ApplicationStage], date: datetime, head: Letterhead | None = None
) -> dict[int, Letter]:
    """Stage id -> its letter's data (not numbered: grants.letters.services numbers the letters it
    issues)."""
    scores = stage_scores(call, [s for s in stages if s.status in IN_EVALUATION])
    positions = reserve_positions(call) if any(s.status is S.reserve for s in stages) else {}
    rankings = _Rankings(call)
    head = head if head is not None else letterhead()
    return {
        s.id: _letter(call, s, scores.get(s.id), positions.get(s.id), date, rankings, head)
        for s in stages
    }


def _letter(
    call: Call,
    stage: ApplicationStage,
    score: StageScore | None,
    position: int | None,
    date: datetime,
    rankings: _Rankings,
    head: Letterhead,
) -> Letter:
    lots = {lot.id: lot for lot in call.lots}
    grid = call.grid_for(stage.stage)
    final = score.final if score else None
    sections = (
        tuple(
            SectionScore(
                s.code, s.title, final.sections[s.code], s.max_score, s.threshold, s.title_tr
            )
            for s in grid.sections
            if s.code in final.sections  # none when a bundle recorded only the total
        )
        if final
        else ()
    )
    missed = (
        tuple(
            MissedThreshold(m.section, m.title, m.score, m.threshold, m.title_tr)
            for m in missed_thresholds(call, stage.stage, score)
        )
        if stage.status is S.below_threshold
        else ()
    )
    lot = lots.get(stage.application.lot_id)
    return Letter(
        **letter_header(call, stage, date, lot=lot, letterhead=head),
        awarded_amount=stage.awarded_amount,
        total=final.total if final else None,
        max_total=grid.max_total if final else None,
        pass_threshold=grid.pass_threshold if final else None,
        sections=sections,
        missed=missed,
        reserve_position=position,
        rank=stage.rank if stage.status in DECIDED else None,
        ranked=rankings.size(stage) if stage.status in DECIDED else None,
        reason=rankings.reason(call, stage),
    )


def one_letter(
    call: Call, application_id: int, date: datetime, draft: bool = False
) -> Letter | None:
    """The letter of one application of the call, if it gets one and has a decision (not numbered;
    with `draft`, a preview that says so)."""
    stages = [s for s in letter_stages(call, application_id) if s.status not in UNDECIDED]
    if not stages:
        return None
    return replace(build_letters(call, stages, date)[stages[0].id], draft=draft)


def applicant_letter(user: User, application_id: int) -> Letter | None:
    """The decision letter of an application, for a member of its lead organisation once the call is
    final."""
    application = db.session.get(Application, application_id)
    if application is None or not is_lead_member(user, application):
        return None
    call = load_call(application.call_id)
    if call.finalised_at is None:
        return None
    return final_letter(call, application.id)


def final_letter(call: Call, application_id: int) -> Letter | None:
    """The decision letter of a finalised call's application as issued (a call finalised before
    letters were kept in the register, or imported decided, gets it built from the decisions,
    unnumbered)."""
    row = letter_queries.latest(call.id, application_id, LetterKind.decision)
    return (
        letter_queries.letter_of(row)
        if row is not None
        else one_letter(call, application_id, call.finalised_at)
    )
