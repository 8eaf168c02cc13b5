"""A call's decisions as the ranking page and the evaluation report show them, read from the stored
decisions in a fixed number of queries (the ranking page shows one table of it at a time:
grants.awards.queries.ranking_page).

Per stage (concept notes, full applications) and lot: the ranked applications with their final and
section scores, requested grant, running total of the awards and the budget left after each, and
their current decision; then the applications set apart (below threshold with the thresholds they
missed, inadmissible with the reasons, withdrawn), those not ranked yet and why, and every override.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from grants.awards.queries.invitations import invitations_sent
from grants.evaluation.queries.scores import (
    Missed,
    Progress,
    StageScore,
    missed_thresholds,
    stage_scores,
)
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    DecisionOverride,
    Grid,
    GridSection,
    Lot,
    Procedure,
    Stage,
    StageStatus,
)
from grants.rules.transitions import DECIDED, IN_EVALUATION, RANKABLE, UNDECIDED, in_order

S = StageStatus
ZERO = Decimal("0.00")
# the lists of the applications set apart from the ranking, in the order the page shows them
SET_APART = {
    **dict.fromkeys(in_order(UNDECIDED), "waiting"),
    S.below_threshold: "below_threshold",
    S.inadmissible: "inadmissible",
    S.withdrawn: "withdrawn",
}


@dataclass(frozen=True)
class Line:
    stage: ApplicationStage
    score: StageScore | None
    requested: Decimal
    cumulative: Decimal | None = None  # awards so far down the ranking (full applications)
    remaining: Decimal | None = None  # the lot's budget left after them
    overridden: bool = False
    missed: list[Missed] = field(default_factory=list)

    @property
    def application(self) -> Application:
        return self.stage.application

    @property
    def sections(self) -> dict[str, Decimal]:
        final = self.score.final if self.score else None
        return final.sections if final else {}


@dataclass
class Table:
    kind: Stage
    lot: Lot | None
    budget: Decimal
    awarded_total: Decimal
    sections: list[GridSection]
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    override: DecisionOverride
    reference: str
    kind: Stage


@dataclass
class Decisions:
    """What staff changed by hand on a call's decisions."""

    call: Call
    changes: list[Change] = field(default_factory=list)  # every override, the discarded ones too
    shortlist_settled: bool = (
        False  # the shortlisted leads were invited: ranking again leaves the concept notes
    )

    @property
    def active_overrides(self) -> int:
        """The overrides that ranking again would discard."""
        return len(self._standing())

    @property
    def changed_applications(self) -> int:
        """The applications whose decision staff changed and ranking again would recompute: one,
        however many times it was changed."""
        return len({c.reference for c in self._standing()})

    def _standing(self) -> list[Change]:
        return [
            c
            for c in self.changes
            if c.override.discarded_at is None
            and not (self.shortlist_settled and c.kind is Stage.concept_note)
        ]

    @property
    def overridden(self) -> set[int]:
        """The stages whose decision staff changed (not discarded by a new ranking since)."""
        return {c.override.stage_id for c in self.changes if c.override.discarded_at is None}


@dataclass
class Overview(Decisions):
    tables: list[Table] = field(default_factory=list)
    below_threshold: list[Line] = field(default_factory=list)
    inadmissible: list[Line] = field(default_factory=list)
    withdrawn: list[Line] = field(default_factory=list)
    waiting: list[Line] = field(
        default_factory=list
    )  # not ranked yet: line.score says why (None: not checked)


def requested(stage: ApplicationStage) -> Decimal:
    """The grant requested in this stage, as submitted; the application's if the stage kept none."""
    return stage.requested_grant_or_application


def load_call(call_id: int, criteria: bool = True) -> Call | None:
    """The call with its lots and grids (their sections, and their criteria unless `criteria` is
    false: a page that shows stored scores reads them only for a score it computes; then in one
    query, a few lots times a few sections)."""
    if not criteria:
        return (
            db.session.execute(
                select(Call)
                .where(Call.id == call_id)
                .options(joinedload(Call.lots), joinedload(Call.grids).joinedload(Grid.sections))
            )
            .unique()
            .scalar_one_or_none()
        )
    return db.session.scalar(
        select(Call)
        .where(Call.id == call_id)
        .options(
            selectinload(Call.lots),
            selectinload(Call.grids).selectinload(Grid.sections).selectinload(GridSection.criteria),
        )
    )


def submitted_stages(
    call: Call, application_id: int | None = None, among: Collection[int] | None = None
) -> list[ApplicationStage]:
    """Every submitted stage of the call (or of one of its applications, or of those `among`), with
    application and lead organisation; concept notes first, each stage in rank order."""
    query = (
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .where(Application.call_id == call.id, ApplicationStage.submitted_at.is_not(None))
        .options(contains_eager(ApplicationStage.application).joinedload(Application.lead))
        .order_by(
            ApplicationStage.stage,
            ApplicationStage.rank.is_(None),
            ApplicationStage.rank,
            Application.number,
        )
    )
    if application_id is not None:
        query = query.where(Application.id == application_id)
    if among is not None:
        query = query.where(Application.id.in_(among))
    return list(db.session.scalars(query))


def changes(call: Call) -> list[Change]:
    """Every override of the call's decisions, the discarded ones too, oldest first (one query)."""
    return [
        Change(*row)
        for row in db.session.execute(
            select(DecisionOverride, Application.reference, ApplicationStage.stage)
            .join(ApplicationStage, DecisionOverride.stage_id == ApplicationStage.id)
            .join(Application, ApplicationStage.application_id == Application.id)
            .where(Application.call_id == call.id)
            .options(joinedload(DecisionOverride.user))
            .order_by(DecisionOverride.at, DecisionOverride.id)
        )
    ]


def active_overrides(call_id: int, kinds: tuple[Stage, ...] = tuple(Stage)):
    """The call's overrides (of stages of the given kinds) that still stand (not discarded by a
    later ranking)."""
    return (
        select(DecisionOverride)
        .join(ApplicationStage, DecisionOverride.stage_id == ApplicationStage.id)
        .join(Application, ApplicationStage.application_id == Application.id)
        .where(
            Application.call_id == call_id,
            DecisionOverride.discarded_at.is_(None),
            ApplicationStage.stage.in_(kinds),
        )
    )


def shortlist_settled(call: Call) -> bool:
    return call.procedure is Procedure.restricted and invitations_sent(call.id)


def overview(call: Call) -> Overview:
    """Every submitted stage of the call, for the evaluation report (the ranking page shows
    one table of it at a time: grants.awards.queries.ranking_page)."""
    stages = submitted_stages(call)
    scores = stage_scores(call, [s for s in stages if s.status in IN_EVALUATION])
    result = Overview(call, changes=changes(call), shortlist_settled=shortlist_settled(call))
    overridden = result.overridden
    for kind in (Stage.concept_note, Stage.full_application):
        of_kind = [s for s in stages if s.stage is kind]
        if not of_kind:
            continue
        for lot in call.lots or [None]:
            result.tables.append(
                _table(
                    call,
                    kind,
                    lot,
                    [
                        s
                        for s in of_kind
                        if s.status in DECIDED and (lot is None or s.application.lot_id == lot.id)
                    ],
                    scores,
                    overridden,
                )
            )
        for stage in of_kind:
            line = Line(
                stage,
                scores.get(stage.id),
                requested(stage),
                missed=missed_thresholds(call, kind, scores.get(stage.id))
                if stage.status is S.below_threshold
                else [],
            )
            _set_apart(result, line)
    return result


def _set_apart(result: Overview, line: Line) -> None:
    name = SET_APART.get(line.stage.status)
    if name is not None:
        getattr(result, name).append(line)


def _table(
    call: Call,
    kind: Stage,
    lot: Lot | None,
    stages: list[ApplicationStage],
    scores: dict[int, StageScore],
    overridden: set[int],
) -> Table:
    full = kind is Stage.full_application
    budget = lot.budget if lot else call.total_budget
    table = Table(
        kind,
        lot,
        budget,
        (lot.awarded_total if lot else call.awarded_total) if full else ZERO,
        list(call.grid_for(kind).sections),
    )
    cumulative = ZERO
    for stage in stages:
        cumulative += stage.awarded_amount or ZERO
        table.lines.append(
            Line(
                stage,
                scores.get(stage.id),
                requested(stage),
                cumulative if full else None,
                budget - cumulative if full else None,
                stage.id in overridden,
            )
        )
    return table


def waiting_reason(line: Line) -> str:
    """Why a stage is not ranked yet: 'unchecked', 'missing', 'needs_extra' or 'ready'."""
    if line.score is None:
        return "unchecked"
    return "ready" if line.score.progress is Progress.scored else line.score.progress.value


def rankable_stages(call: Call) -> list[ApplicationStage]:
    """The stages a ranking decides (or keeps below threshold), with the few application columns it
    reads; in one query, whatever the number of applications."""
    return list(
        db.session.scalars(
            select(ApplicationStage)
            .join(ApplicationStage.application)
            .where(
                Application.call_id == call.id,
                ApplicationStage.status.in_((*RANKABLE, StageStatus.below_threshold)),
            )
            .options(
                contains_eager(ApplicationStage.application).load_only(  # not the long texts
                    Application.call_id,
                    Application.lot_id,
                    Application.number,
                    Application.reference,
                    Application.requested_grant,
                )
            )
            .order_by(Application.number, ApplicationStage.id)
        )
    )
