"""The staff ranking page of a call, a page of each table at a time, so that it scales to thousands of applications.

Each ranked table (per stage and lot) and each list of the applications set apart (not ranked yet, below
threshold, inadmissible, withdrawn) shows PER_PAGE rows, chosen by its own query parameter named after it
(`?full_application-LOT1=3&withdrawn=2`): each keeps its place while staff page through another. The counts
come from one GROUP BY; the rows of every table's and list's page from one query, which reads the call's stages
once and takes each page of them in rank order, with the running total of the awards down each ranking summed
by a window function (a row's is the sum awarded to it and to the rows ranked above it, whatever the page); the
final and section scores, and the thresholds missed, are computed for the rows shown only. A fixed number of
queries, whatever the number of applications. The headline awarded totals are the call's and lots' stored
totals (grants.awards.budget).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Numeric, case, cast, func, literal, null, select, union_all
from sqlalchemy.orm import joinedload, load_only

from grants.awards.budget import ZERO
from grants.awards.decisions import requested
from grants.awards.invitations import InvitationCounts, invitation_counts
from grants.awards.overview import (
    SET_APART,
    Decisions,
    Line,
    Table,
    changes,
    shortlist_settled,
)
from grants.evaluation.scores import StageScore, missed_thresholds, stage_scores
from grants.extensions import db
from grants.models import Application, ApplicationStage, Call, Lot, Organisation, Procedure, Stage, StageStatus
from grants.rules.transitions import DECIDED, IN_EVALUATION

PER_PAGE = 50
LISTS = tuple(dict.fromkeys(SET_APART.values()))  # waiting, below_threshold, inadmissible, withdrawn
KINDS = (Stage.concept_note, Stage.full_application)
# Each ranking and each list is a group of rows, paged in rank order: a ranking is (its kind's index in KINDS,
# its lot's id), a list (len(KINDS) + its index in LISTS, None). Numbers, not text: the database compares
# them much faster.
KIND_NUMBER = case(*((ApplicationStage.stage == kind, n) for n, kind in enumerate(KINDS)))
RANKED = ApplicationStage.status.in_(DECIDED)
GROUP = case((RANKED, KIND_NUMBER), *((ApplicationStage.status == status, len(KINDS) + LISTS.index(name))
                                      for status, name in SET_APART.items()))
GROUP_LOT = case((RANKED, Application.lot_id))
# what the rows show of each application and its lead (not the long texts)
SHOWN = joinedload(ApplicationStage.application).options(
    load_only(Application.call_id, Application.lot_id, Application.number, Application.reference,
              Application.requested_grant),
    joinedload(Application.lead).load_only(Organisation.name, Organisation.country))


class Shown(Pagination):
    """A page whose rows and count were loaded already; the pager's arithmetic is flask_sqlalchemy's."""

    def _query_items(self) -> list:
        return self._query_args["items"]

    def _query_count(self) -> int:
        return self._query_args["total"]


@dataclass
class RankedTable(Table):
    key: str = ""  # its query parameter and its section's id
    count: int = 0  # applications ranked in it
    reserves: int = 0  # of those, on the reserve list
    pager: Shown | None = None


@dataclass(frozen=True)
class SetApart:
    key: str
    pager: Shown

    @property
    def lines(self) -> list[Line]:
        return self.pager.items


@dataclass
class RankingPage(Decisions):
    tables: list[RankedTable] = field(default_factory=list)
    lists: dict[str, SetApart] = field(default_factory=dict)
    invitations: InvitationCounts | None = None  # restricted calls only
    positions: dict[str, int] = field(default_factory=dict)  # key -> the page shown

    def args(self, key: str, number: int) -> dict[str, int]:
        """The query string showing page `number` of the table or list `key`, and the others where they are."""
        return {k: n for k, n in {**self.positions, key: number}.items() if n > 1}


def table_key(kind: Stage, lot: Lot | None) -> str:
    return f"{kind.value}-{lot.code}" if lot else kind.value


def _page_number(args, key: str, count: int) -> int:
    return min(max(args.get(key, 1, type=int), 1), max(1, -(-count // PER_PAGE)))


def _counts(call: Call) -> Counter:
    """(stage, lot id, status) -> submitted stages of the call."""
    return Counter({(kind, lot_id, status): n for kind, lot_id, status, n in db.session.execute(
        select(ApplicationStage.stage, Application.lot_id, ApplicationStage.status, func.count())
        .join(ApplicationStage.application)
        .where(Application.call_id == call.id, ApplicationStage.submitted_at.is_not(None))
        .group_by(ApplicationStage.stage, Application.lot_id, ApplicationStage.status))})


def _page_rows(call: Call, wanted: dict[tuple, int]) -> dict[tuple, list[tuple]]:
    """Group -> (stage, running total of the awards) of each row of its wanted page, in one query: the call's
    rows once, then each group's page of them in rank order (a ranking's with the sum of the awards down it)."""
    if not wanted:
        return {}
    rows = (select(ApplicationStage.id.label("stage_id"), GROUP.label("grp"), GROUP_LOT.label("lot"),
                   KIND_NUMBER.label("kind"), ApplicationStage.rank, Application.number, ApplicationStage.awarded_amount)
            .join(ApplicationStage.application)
            .where(Application.call_id == call.id, ApplicationStage.submitted_at.is_not(None),
                   ApplicationStage.status.in_((*DECIDED, *SET_APART))).cte("grouped")).c
    order = (rows.kind, rows.rank.asc().nulls_last(), rows.number)
    pages = []
    for (group, lot), page in wanted.items():
        cumulative = (func.sum(func.coalesce(rows.awarded_amount, literal(ZERO))).over(order_by=order, rows=(None, 0))
                      if group < len(KINDS) else cast(null(), Numeric(14, 2)))
        pages.append(select(select(rows.stage_id, rows.grp, rows.lot, rows.kind, rows.rank, rows.number,
                                   cumulative.label("cumulative"))
                            .where(rows.grp == group, rows.lot.is_(None) if lot is None else rows.lot == lot)
                            .order_by(*order).limit(PER_PAGE).offset((page - 1) * PER_PAGE).subquery()))
    shown = union_all(*pages).subquery()
    c = shown.c
    found: dict[tuple, list[tuple]] = {group: [] for group in wanted}
    for stage, cumulative, group, lot in db.session.execute(
            select(ApplicationStage, c.cumulative, c.grp, c.lot).join(shown, c.stage_id == ApplicationStage.id)
            .options(SHOWN).order_by(c.grp, c.lot, c.kind, c.rank.asc().nulls_last(), c.number)):
        found[group, lot].append((stage, cumulative))
    return found


def ranking_page(call: Call, args) -> RankingPage:
    """The page of each table and list that the query string `args` asks for (the first by default)."""
    counts = _counts(call)
    result = RankingPage(call, changes=changes(call), shortlist_settled=shortlist_settled(call),
                         invitations=invitation_counts(call) if call.procedure is Procedure.restricted else None)
    tables = [_table(call, kind, lot, counts) for kind in KINDS if any(k is kind for k, _lot, _status in counts)
              for lot in call.lots or [None]]
    totals = Counter()
    for (_kind, _lot, status), n in counts.items():
        totals[SET_APART.get(status)] += n
    result.positions = {t.key: _page_number(args, t.key, t.count) for t in tables}
    result.positions.update({key: _page_number(args, key, totals[key]) for key in LISTS})
    wanted = {_group(t): result.positions[t.key] for t in tables if t.count}
    wanted.update({_list_group(key): result.positions[key] for key in LISTS if totals[key]})
    rows = _page_rows(call, wanted)
    scores = stage_scores(call, [stage for group in rows.values() for stage, _sum in group if stage.status in IN_EVALUATION],
                          by_id=True)
    overridden = result.overridden
    for table in tables:
        table.pager = _shown(result.positions[table.key], table.count, [
            _ranked_line(table, stage, cumulative, scores.get(stage.id), stage.id in overridden)
            for stage, cumulative in rows.get(_group(table), [])])
        table.lines = table.pager.items
    result.tables = tables
    result.lists = {key: SetApart(key, _shown(result.positions[key], totals[key], [
        _apart_line(call, stage, scores.get(stage.id)) for stage, _sum in rows.get(_list_group(key), [])]))
        for key in LISTS}
    return result


def _shown(page: int, total: int, items: list) -> Shown:
    return Shown(page=page, per_page=PER_PAGE, max_per_page=None, error_out=False, items=items, total=total)


def _table(call: Call, kind: Stage, lot: Lot | None, counts: Counter) -> RankedTable:
    """A ranked table's headline figures; its rows come later."""
    def count(statuses) -> int:
        return sum(n for (k, lot_id, status), n in counts.items()
                   if k is kind and status in statuses and (lot is None or lot_id == lot.id))

    full = kind is Stage.full_application
    awarded = (lot.awarded_total if lot else call.awarded_total) if full else ZERO
    return RankedTable(kind, lot, lot.budget if lot else call.total_budget, awarded, list(call.grid_for(kind).sections),
                       key=table_key(kind, lot), count=count(DECIDED), reserves=count((StageStatus.reserve,)))


def _group(table: RankedTable) -> tuple[int, int | None]:
    return KINDS.index(table.kind), table.lot.id if table.lot else None


def _list_group(key: str) -> tuple[int, None]:
    return len(KINDS) + LISTS.index(key), None


def _ranked_line(table: RankedTable, stage: ApplicationStage, cumulative, score: StageScore | None,
                 overridden: bool) -> Line:
    full = table.kind is Stage.full_application
    return Line(stage, score, requested(stage), cumulative if full else None,
                table.budget - cumulative if full else None, overridden)


def _apart_line(call: Call, stage: ApplicationStage, score: StageScore | None) -> Line:
    missed = missed_thresholds(call, stage.stage, score) if stage.status is StageStatus.below_threshold else []
    return Line(stage, score, requested(stage), missed=missed)
