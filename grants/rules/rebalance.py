"""Rebalancing the evaluators' loads of a call (docs/domain.md 4, Assignment).

A call's loads drift apart: assignments made by hand, evaluators added to the pool late, conflicts
declared. Rebalancing moves assignments that nobody has started from the busiest evaluators to the
least busy, so that the loads (live assignments per evaluator) differ by at most 1 where the rules
allow.

Every rule of assignment still holds after a move: never an evaluator of the lead's or a partner's
organisation, never one who declared a conflict with the application (or whose assignment to it
ended), never the same evaluator twice on one application; every application keeps its number of
evaluators; started assignments (declared, drafted or submitted) never move.

The loads the rules allow form an M-convex set (the degree vectors of a bipartite b-matching,
shifted by the loads that cannot move), so the balance is reached by exchanges: while some evaluator
can hand one unit of load, through a chain of moves, to one carrying at least 2 less, do it (each
exchange lowers the sum of squared loads, so this ends). When no such chain is left the loads are
"decreasingly minimal", which minimises the largest load and maximises the smallest at once (Frank
and Murota, 2022): the spread reached is the smallest the rules allow, whether or not it is 1.
Shortest chains keep the moves few.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from .assignment import App, Ev

__all__ = ["Move", "Rebalance", "Slot", "rebalance"]


@dataclass(frozen=True)
class Slot:
    """A live assignment of `evaluator` to `application`; `movable` if nobody has started it."""

    id: int
    application: int
    evaluator: int
    movable: bool


@dataclass(frozen=True)
class Move:
    slot: int
    application: int
    source: int
    target: int


@dataclass(frozen=True)
class Rebalance:
    moves: tuple[Move, ...]
    before: dict[int, int]  # evaluator -> live assignments
    after: dict[int, int]
    fixed: dict[int, int]  # evaluator -> started assignments, which never move

    @staticmethod
    def _spread(loads: dict[int, int]) -> int:
        return max(loads.values()) - min(loads.values()) if loads else 0

    @property
    def spread_before(self) -> int:
        return self._spread(self.before)

    @property
    def spread_after(self) -> int:
        return self._spread(self.after)

    @property
    def balanced(self) -> bool:
        """The loads differ by at most 1 after the moves."""
        return self.spread_after <= 1

    @property
    def lowest(self) -> int:
        return min(self.after.values(), default=0)

    @property
    def highest(self) -> int:
        return max(self.after.values(), default=0)

    @property
    def lowest_before(self) -> int:
        return min(self.before.values(), default=0)

    @property
    def highest_before(self) -> int:
        return max(self.before.values(), default=0)


def _loads(
    evaluators: Iterable[int], holders: dict[int, int], slots: Iterable[Slot]
) -> dict[int, int]:
    loads = dict.fromkeys(evaluators, 0)
    for slot in slots:
        holder = holders[slot.id]
        if holder in loads:
            loads[holder] += 1
    return loads


def rebalance(
    applications: list[App],
    evaluators: list[Ev],
    slots: list[Slot],
    conflicts: AbstractSet[tuple[int, int]] = frozenset(),
) -> Rebalance:
    """The moves that bring the evaluators' loads as close together as the rules allow.

    `evaluators`: the call's pool, whose loads are balanced (a slot of an evaluator outside it
    counts for nobody and never moves); `slots`: every live assignment of the call; `conflicts`:
    (application, evaluator) pairs never to be assigned (declared conflicts, ended assignments). A
    movable slot's application must be among `applications`.
    """
    apps = {app.id: app for app in applications}
    pool = {ev.id: ev for ev in evaluators}
    order = sorted(pool)
    holders = {slot.id: slot.evaluator for slot in slots}
    movable = [slot for slot in slots if slot.movable and slot.evaluator in pool]
    if any(slot.application not in apps for slot in movable):
        raise ValueError("a movable assignment's application is missing")
    on: dict[int, set[int]] = {}
    for slot in slots:
        on.setdefault(slot.application, set()).add(slot.evaluator)
    before = _loads(order, holders, slots)
    moving = {slot.id for slot in movable}
    fixed = _loads(order, holders, [slot for slot in slots if slot.id not in moving])
    loads = dict(before)

    def allowed(app_id: int, ev_id: int) -> bool:
        organisation = pool[ev_id].organisation
        return (
            (app_id, ev_id) not in conflicts
            and ev_id not in on[app_id]
            and (organisation is None or organisation not in apps[app_id].organisations)
        )

    def chain(source: int) -> list[tuple[Slot, int]] | None:
        """The shortest chain of moves handing one unit of load from `source` to an evaluator
        carrying at least 2 less (each evaluator on it gives one slot and takes one), or None."""
        came: dict[int, tuple[int, Slot] | None] = {source: None}
        queue = deque([source])
        held: dict[int, list[Slot]] = {}
        for slot in movable:
            held.setdefault(holders[slot.id], []).append(slot)
        takers = sorted(order, key=lambda ev: (loads[ev], ev))  # the least loaded first
        while queue:
            giver = queue.popleft()
            for slot in held.get(giver, []):
                for taker in takers:
                    if taker in came or not allowed(slot.application, taker):
                        continue
                    came[taker] = (giver, slot)
                    if loads[taker] <= loads[source] - 2:
                        path, node = [], taker
                        while came[node] is not None:
                            previous, moved = came[node]
                            path.append((moved, node))
                            node = previous
                        return path[::-1]
                    queue.append(taker)
        return None

    while True:
        for source in sorted(order, key=lambda ev: (-loads[ev], ev)):
            path = chain(source)
            if path is not None:
                break
        else:
            break
        for (
            slot,
            taker,
        ) in path:  # valid together: each evaluator on the chain gives one and takes one slot
            on[slot.application].discard(holders[slot.id])
            on[slot.application].add(taker)
            holders[slot.id] = taker
        loads[source] -= 1
        loads[path[-1][1]] += 1
    return Rebalance(_moves(movable, holders), before, loads, fixed)


def _moves(movable: list[Slot], holders: dict[int, int]) -> tuple[Move, ...]:
    """Per application, the fewest moves from the first holders to the last: each evaluator who left
    it hands one of its slots to one who joined it (so no evaluator is ever on it twice, even
    between moves)."""
    by_app: dict[int, list[Slot]] = {}
    for slot in movable:
        by_app.setdefault(slot.application, []).append(slot)
    moves = []
    for app_id, app_slots in sorted(by_app.items()):
        first = {slot.evaluator for slot in app_slots}
        last = {holders[slot.id] for slot in app_slots}
        leaving = sorted(
            (slot for slot in app_slots if slot.evaluator not in last), key=lambda s: s.id
        )
        joining = sorted(last - first)
        moves += [
            Move(slot.id, app_id, slot.evaluator, target)
            for slot, target in zip(leaving, joining, strict=True)
        ]
    return tuple(moves)
