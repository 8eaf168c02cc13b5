"""Ranking, the award walk and the shortlist (domain.md 5)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

__all__ = ["Candidate", "Outcome", "award_walk", "rank", "rank_by_lot", "shortlist"]

AwardRule = Literal["strict", "fill"]


@dataclass(frozen=True)
class Candidate:
    """A passing application. `number` is its reference number; `lot` None for a call without lots.

    `tie_break_score` is its final score in the grid's tie-break section (None if the grid has none).
    """

    ref: str
    lot: str | None
    final_total: Decimal
    tie_break_score: Decimal | None
    submitted_at: datetime
    number: int
    requested_grant: Decimal


@dataclass(frozen=True)
class Outcome:
    ref: str
    rank: int
    status: Literal["awarded", "reserve", "not_selected"]
    awarded_amount: Decimal | None


def _key(c: Candidate) -> tuple[Decimal, Decimal, datetime, int]:
    tie = c.tie_break_score if c.tie_break_score is not None else Decimal("-Infinity")
    return (-c.final_total, -tie, c.submitted_at, c.number)


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One lot's passing applications, best first; a candidate's rank is its position + 1.

    Order: final total desc, tie-break section score desc, earlier submission, lower number.
    """
    items = list(candidates)
    if len({c.lot for c in items}) > 1:
        raise ValueError("rank one lot at a time: use rank_by_lot")
    for c in items:
        if c.submitted_at.tzinfo is None or c.submitted_at.utcoffset() is None:
            raise ValueError(f"{c.ref}: submission time must be timezone-aware")
    return sorted(items, key=_key)


def rank_by_lot(candidates: Iterable[Candidate]) -> dict[str | None, list[Candidate]]:
    lots: dict[str | None, list[Candidate]] = {}
    for c in candidates:
        lots.setdefault(c.lot, []).append(c)
    return {lot: rank(items) for lot, items in lots.items()}


def award_walk(
    ranked: Sequence[Candidate],
    lot_budget: Decimal,
    rule: AwardRule,
    reserve_list_length: int | None,
    max_grant: Decimal,
) -> list[Outcome]:
    """Walk the ranking with the lot's remaining budget; one Outcome per candidate, in rank order.

    A request that fits the remaining budget is awarded in full. The first that does not fit
    becomes reserve and, with `strict`, so does everything below it; with `fill` the walk goes on.
    The reserve list keeps rank order and is cut at `reserve_list_length` (None: unlimited);
    the rest are not_selected.
    A request above `max_grant` can never be awarded as it stands (awarding less is a staff
    override): it is not_selected, does not go on the reserve list, and does not stop a strict
    walk, since the reason is not the lot's budget. So is a request of zero or less.
    """
    if rule not in ("strict", "fill"):
        raise ValueError(f"unknown award rule {rule!r}")
    remaining = lot_budget
    stopped = False
    reserves = 0
    outcomes = []
    for position, c in enumerate(ranked, start=1):
        if c.requested_grant > max_grant or c.requested_grant <= 0:
            outcomes.append(Outcome(c.ref, position, "not_selected", None))
            continue
        if not stopped and c.requested_grant <= remaining:
            remaining -= c.requested_grant
            outcomes.append(Outcome(c.ref, position, "awarded", c.requested_grant))
            continue
        stopped = stopped or rule == "strict"
        if reserve_list_length is None or reserves < reserve_list_length:
            reserves += 1
            outcomes.append(Outcome(c.ref, position, "reserve", None))
        else:
            outcomes.append(Outcome(c.ref, position, "not_selected", None))
    return outcomes


def shortlist(ranked: Sequence[Candidate], lot_budget: Decimal, ratio: Decimal) -> set[str]:
    """Refs of the shortest head of the ranking whose requests add up to >= ratio x budget.

    All of them if they never do.
    """
    target = ratio * lot_budget
    chosen: set[str] = set()
    total = Decimal(0)
    for c in ranked:
        if total >= target:
            break
        chosen.add(c.ref)
        total += c.requested_grant
    return chosen
