"""The staff ranking page of a call: one table per request, so that it scales to thousands of
applications.

The page has a tab per ranking (per stage and lot), per list of the applications set apart (not
ranked yet, below threshold, inadmissible, withdrawn) and for the decisions staff changed by hand;
`?table=<key>` chooses the one shown (by default the first that has rows). A table shows PER_PAGE
rows, chosen by its own query parameter named after it
(`?table=withdrawn&withdrawn=2&full_application-LOT1=3`): the links keep each table's place while
staff look at another. The tabs' counts come from one GROUP BY; the rows shown from one plain query
with LIMIT and OFFSET, a ranking's with the running total of the awards down it summed by a window
function (a row's is the sum awarded to it and to the rows ranked above it, whatever the page); the
final and section scores, and the thresholds missed, are computed for the rows shown only. A fixed
number of queries, whatever the number of applications. The headline awarded totals are the call's
and lots' stored totals (grants.awards.services._budget).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from grants.awards.queries.invitations import InvitationCounts, invitation_counts
from grants.awards.queries.overview import (
    SET_APART,
    ZERO,
    Decisions,
    Line,
    Table,
    changes,
    requested,
    shortlist_settled,
)
from grants.evaluation.queries.scores import StageScore, missed_thresholds, stage_scores
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    Lot,
    Organisation,
    Procedure,
    Stage,
    StageStatus,
)
from grants.paging import Pager
from grants.rules.transitions import DECIDED, IN_EVALUATION

PER_PAGE = 50
LISTS = tuple(
    dict.fromkeys(SET_APART.values())
)  # waiting, below_threshold, inadmissible, withdrawn
KINDS = (Stage.concept_note, Stage.full_application)
CHANGES = "changes"  # the tab of the decisions staff changed by hand
# what the rows show of each application and its lead (not the long texts)
APPLICATION = load_only(
    Application.call_id,
    Application.lot_id,
    Application.number,
    Application.reference,
    Application.requested_grant,
    Application.lead_id,
)
SHOWN = contains_eager(ApplicationStage.application).options(
    APPLICATION,
    joinedload(Application.lead).load_only(Organisation.name, Organisation.country),
)
# a ranking's page: its leads loaded apart, for its rows only (joined, every lead of the lot was
# read before the page was cut from the ranking)
PAGE_SHOWN = contains_eager(ApplicationStage.application).options(
    APPLICATION,
    selectinload(Application.lead).load_only(Organisation.name, Organisation.country),
)
# what a ranking's row shows of its stage (not its submitted version, a copy of the application)
RANKED = load_only(
    ApplicationStage.application_id,
    ApplicationStage.stage,
    ApplicationStage.status,
    ApplicationStage.requested_grant,
    ApplicationStage.final_score,
    ApplicationStage.rank,
    ApplicationStage.awarded_amount,
)
ORDER = (ApplicationStage.rank.asc().nulls_last(), Application.number)


@dataclass(frozen=True)
class Tab:
    key: str  # its `table` query parameter, its page's parameter and its section's id
    count: int  # the rows of its table
    kind: Stage | None = None  # a ranking's stage and lot; None for a list
    lot: Lot | None = None


@dataclass
class RankedTable(Table):
    key: str = ""
    count: int = 0  # applications ranked in it
    reserves: int = 0  # of those, on the reserve list
    pager: Pager | None = None


@dataclass(frozen=True)
class SetApart:
    key: str
    pager: Pager

    @property
    def lines(self) -> list[Line]:
        return self.pager.items


@dataclass
class RankingPage(Decisions):
    tabs: list[Tab] = field(default_factory=list)
    current: str = ""  # the key of the tab shown
    table: RankedTable | None = None  # the ranking shown, if a ranking is
    set_apart: SetApart | None = None  # the list shown, if a list is
    invitations: InvitationCounts | None = None  # restricted calls only
    positions: dict[str, int] = field(default_factory=dict)  # key -> the page of its table

    def tab_args(self, key: str) -> dict[str, object]:
        """The query string showing the tab `key`, each table on the page it is on."""
        return {"table": key, **{k: n for k, n in self.positions.items() if n > 1}}

    def args(self, key: str, number: int) -> dict[str, object]:
        """The query string showing page `number` of the table `key`, the others where they are."""
        return (
            {**self.tab_args(key), key: number}
            if number > 1
            else {k: v for k, v in self.tab_args(key).items() if k != key}
        )


def table_key(kind: Stage, lot: Lot | None) -> str:
    return f"{kind.value}-{lot.code}" if lot else kind.value


def tab_of(call: Call, stage: ApplicationStage) -> str:
    """The key of the ranking tab that shows the stage."""
    return table_key(
        stage.stage, next((lot for lot in call.lots if lot.id == stage.application.lot_id), None)
    )


def ranking_page(call: Call, args: Mapping) -> RankingPage:
    """The tabs of the call's ranking page and the page of the table the query string `args` asks
    for."""
    counts = _counts(call)
    result = RankingPage(
        call,
        changes=changes(call),
        shortlist_settled=shortlist_settled(call),
        invitations=invitation_counts(call) if call.procedure is Procedure.restricted else None,
    )
    result.tabs = _tabs(call, counts) + (
        [Tab(CHANGES, len(result.changes))] if result.changes else []
    )
    result.positions = {
        tab.key: _page_number(args, tab.key, tab.count) for tab in result.tabs if tab.key != CHANGES
    }
    tab = _current(result.tabs, args.get("table"))
    if tab is None:
        return result
    result.current = tab.key
    if tab.kind is not None:
        result.table = _ranked_table(
            call, tab, counts, result.positions[tab.key], result.overridden
        )
    elif tab.key in LISTS:
        result.set_apart = _set_apart(call, tab, result.positions[tab.key])
    return result


def _counts(call: Call) -> Counter:
    """(stage, lot id, status) -> submitted stages of the call."""
    return Counter(
        {
            (kind, lot_id, status): n
            for kind, lot_id, status, n in db.session.execute(
                select(
                    ApplicationStage.stage,
                    Application.lot_id,
                    ApplicationStage.status,
                    func.count(),
                )
                .join(ApplicationStage.application)
                .where(Application.call_id == call.id, ApplicationStage.submitted_at.is_not(None))
                .group_by(ApplicationStage.stage, Application.lot_id, ApplicationStage.status)
            )
        }
    )


def _count(counts: Counter, kind: Stage, lot: Lot | None, statuses) -> int:
    return sum(
        n
        for (k, lot_id, status), n in counts.items()
        if k is kind and status in statuses and (lot is None or lot_id == lot.id)
    )


def _tabs(call: Call, counts: Counter) -> list[Tab]:
    """A tab per ranking of the stages submitted (each lot's), then per list that has
    applications."""
    kinds = [kind for kind in KINDS if any(k is kind for k, _lot, _status in counts)]
    tabs = [
        Tab(table_key(kind, lot), _count(counts, kind, lot, DECIDED), kind, lot)
        for kind in kinds
        for lot in call.lots or [None]
    ]
    lists = Counter()
    for (_kind, _lot, status), n in counts.items():
        if status in SET_APART:
            lists[SET_APART[status]] += n
    return tabs + [Tab(key, lists[key]) for key in LISTS if lists[key]]


def _current(tabs: list[Tab], asked: str | None) -> Tab | None:
    """The tab asked for; else the first that has rows; else the first."""
    return (
        next((tab for tab in tabs if tab.key == asked), None)
        or next((tab for tab in tabs if tab.count), None)
        or next(iter(tabs), None)
    )


def _page_number(args: Mapping, key: str, count: int) -> int:
    text = str(args.get(key, "1"))
    number = int(text) if text.lstrip("-").isdigit() else 1
    return min(max(number, 1), max(1, -(-count // PER_PAGE)))


def _rows(call: Call, shown=SHOWN) -> Select:
    return (
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .where(Application.call_id == call.id, ApplicationStage.submitted_at.is_not(None))
        .options(shown)
    )


def _scores(call: Call, stages: list[ApplicationStage]) -> dict[int, StageScore]:
    return stage_scores(
        call, [stage for stage in stages if stage.status in IN_EVALUATION], by_id=True
    )


def _ranked_table(
    call: Call, tab: Tab, counts: Counter, page: int, overridden: set[int]
) -> RankedTable:
    """A ranking's headline figures and the page `page` of its rows, each with the sum awarded down
    to it."""
    kind, lot = tab.kind, tab.lot
    full = kind is Stage.full_application
    budget = lot.budget if lot else call.total_budget
    awarded = (lot.awarded_total if lot else call.awarded_total) if full else ZERO
    cumulative = func.sum(func.coalesce(ApplicationStage.awarded_amount, literal(ZERO))).over(
        order_by=ORDER, rows=(None, 0)
    )
    query = (
        _rows(call, PAGE_SHOWN)
        .options(RANKED)
        .add_columns(cumulative)
        .where(
            ApplicationStage.stage == kind,
            ApplicationStage.status.in_(DECIDED),
            *([Application.lot_id == lot.id] if lot else []),
        )
        .order_by(*ORDER)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    rows = db.session.execute(query).all()
    scores = _scores(call, [stage for stage, _sum in rows])
    lines = [
        Line(
            stage,
            scores.get(stage.id),
            requested(stage),
            total if full else None,
            budget - total if full else None,
            stage.id in overridden,
        )
        for stage, total in rows
    ]
    table = RankedTable(
        kind,
        lot,
        budget,
        awarded,
        list(call.grid_for(kind).sections),
        lines,
        key=tab.key,
        count=tab.count,
        reserves=_count(counts, kind, lot, (StageStatus.reserve,)),
    )
    table.pager = Pager(lines, page, tab.count)
    return table


def _set_apart(call: Call, tab: Tab, page: int) -> SetApart:
    """The page `page` of a list of the applications set apart, concept notes first, in rank
    order."""
    statuses = [status for status, key in SET_APART.items() if key == tab.key]
    stages = list(
        db.session.scalars(
            _rows(call)
            .where(ApplicationStage.status.in_(statuses))
            .order_by(ApplicationStage.stage, *ORDER)
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        )
    )
    scores = _scores(call, stages)
    return SetApart(
        tab.key,
        Pager(
            [_apart_line(call, stage, scores.get(stage.id)) for stage in stages], page, tab.count
        ),
    )


def _apart_line(call: Call, stage: ApplicationStage, score: StageScore | None) -> Line:
    missed = (
        missed_thresholds(call, stage.stage, score)
        if stage.status is StageStatus.below_threshold
        else []
    )
    return Line(stage, score, requested(stage), missed=missed)
