"""Ranking, the award walk and the shortlist (docs/domain.md 5)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

__all__ = [
    "Candidate",
    "Outcome",
    "Turn",
    "award_walk",
    "rank",
    "rank_by_lot",
    "shortlist",
    "walk_turns",
]

AwardRule = Literal["strict", "fill"]


@dataclass(frozen=True)
class Candidate:
    """A passing application. `number` is its reference number; `lot` None for a call without lots.

    `tie_break_score` is its final score in the grid's tie-break section (None if the grid has
    none).
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


@dataclass(frozen=True)
class Turn:
    """What the walk found when it came to one application: its outcome and why.

    `why` is "fits" (awarded), "above_max" (request above the maximum grant, or not positive),
    "does_not_fit" (the budget left, `remaining`, is less than the request) or "after_stop" (a
    strict walk had stopped at `stop_rank`, the first that did not fit, with `remaining` left then).
    `reserve_full`: not selected because the reserve list already held its length.
    """

    outcome: Outcome
    why: Literal["fits", "above_max", "does_not_fit", "after_stop"]
    remaining: (
        Decimal  # the lot's budget left when the walk came to it (after_stop: when it stopped)
    )
    stop_rank: int | None = None
    reserve_full: bool = False


def walk_turns(
    ranked: Sequence[Candidate],
    lot_budget: Decimal,
    rule: AwardRule,
    reserve_list_length: int | None,
    max_grant: Decimal,
) -> list[Turn]:
    """The award walk (see `award_walk`), one Turn per candidate in rank order, with the reason of
    each outcome."""
    if rule not in ("strict", "fill"):
        raise ValueError(f"unknown award rule {rule!r}")
    remaining = lot_budget
    stop: tuple[int, Decimal] | None = (
        None  # strict: where the walk stopped, and the budget left then
    )
    reserves = 0
    turns = []
    for position, c in enumerate(ranked, start=1):
        if c.requested_grant > max_grant or c.requested_grant <= 0:
            turns.append(
                Turn(Outcome(c.ref, position, "not_selected", None), "above_max", remaining)
            )
            continue
        if stop is None and c.requested_grant <= remaining:
            remaining -= c.requested_grant
            turns.append(
                Turn(Outcome(c.ref, position, "awarded", c.requested_grant), "fits", remaining)
            )
            continue
        if stop is not None:
            why, left, stop_rank = "after_stop", stop[1], stop[0]
        else:
            why, left, stop_rank = "does_not_fit", remaining, None
            if rule == "strict":
                stop = (position, remaining)
        if reserve_list_length is None or reserves < reserve_list_length:
            reserves += 1
            turns.append(Turn(Outcome(c.ref, position, "reserve", None), why, left, stop_rank))
        else:
            turns.append(
                Turn(
                    Outcome(c.ref, position, "not_selected", None),
                    why,
                    left,
                    stop_rank,
                    reserve_full=True,
                )
            )
    return turns


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
    return [
        turn.outcome
        for turn in walk_turns(ranked, lot_budget, rule, reserve_list_length, max_grant)
    ]


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
