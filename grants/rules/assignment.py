"""Balanced assignment of evaluators to applications (docs/domain.md 4, Impartiality and
Assignment)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

__all__ = ["App", "Ev", "Understaffed", "assign"]


@dataclass(frozen=True)
class App:
    """An application to staff: `organisations` are its lead's and its partners' ids."""

    id: int
    organisations: frozenset[int]


@dataclass(frozen=True)
class Ev:
    id: int
    organisation: int | None


class Understaffed(Exception):
    """Some applications cannot get enough eligible evaluators.

    `missing` maps each such application id to the number of evaluators it still lacks;
    `assigned` is the best assignment found for every application (as `assign` would return).
    """

    def __init__(self, missing: dict[int, int], assigned: dict[int, list[int]]):
        super().__init__(f"applications without enough eligible evaluators: {sorted(missing)}")
        self.missing = missing
        self.assigned = assigned


def _eligible(
    app: App, evaluators: list[Ev], taken: AbstractSet[int], conflicts: AbstractSet[tuple[int, int]]
) -> list[Ev]:
    return [
        ev
        for ev in evaluators
        if ev.id not in taken
        and (app.id, ev.id) not in conflicts
        and (ev.organisation is None or ev.organisation not in app.organisations)
    ]


def assign(
    applications: list[App],
    evaluators: list[Ev],
    per_application: int,
    existing: Mapping[int, AbstractSet[int]] | None = None,
    conflicts: AbstractSet[tuple[int, int]] = frozenset(),
    load: Mapping[int, int] | None = None,
) -> dict[int, list[int]]:
    """New evaluators per application so that each reaches `per_application`.

    Never an evaluator of the lead's or a partner's organisation, never one with a declared
    conflict, never one already on the application. Greedy balance: applications with the fewest
    eligible evaluators first; for each, the least-loaded eligible evaluators (load counts `load`
    plus what this call adds), ties by id. Raises Understaffed when some application cannot be fully
    staffed.
    """
    existing = existing or {}
    counts = {ev.id: (load or {}).get(ev.id, 0) for ev in evaluators}
    eligible = {
        app.id: _eligible(app, evaluators, existing.get(app.id, set()), conflicts)
        for app in applications
    }
    result: dict[int, list[int]] = {}
    missing: dict[int, int] = {}
    for app in sorted(applications, key=lambda a: (len(eligible[a.id]), a.id)):
        need = max(per_application - len(existing.get(app.id, set())), 0)
        chosen = sorted(eligible[app.id], key=lambda ev: (counts[ev.id], ev.id))[:need]
        for ev in chosen:
            counts[ev.id] += 1
        result[app.id] = [ev.id for ev in chosen]
        if len(chosen) < need:
            missing[app.id] = need - len(chosen)
    if missing:
        raise Understaffed(missing, result)
    return result
