"""Rules of publishing a call (docs/domain.md 2): what must hold before it goes public, and what
its publication promises (deadlines that never move earlier). Pure functions over plain values.
"""

from __future__ import annotations

from datetime import datetime

from .call_settings import LotDraft, check_call
from .problems import N_, Issue, Moment


def check_deadlines_not_earlier(current: dict, new: dict) -> list[Issue]:
    """A published call's deadlines were announced: they may move later (a corrigendum), never
    earlier, or applicants who planned on them would lose the time they were promised."""
    return [
        Issue(
            name,
            N_(
                "The call is published: its deadlines can move later, never earlier (it was "
                "%(was)s)."
            ),
            {"was": Moment(current[name], current.get("timezone") or "UTC")},
        )
        for name in ("concept_note_deadline", "deadline")
        if current.get(name) is not None and new.get(name) is not None and new[name] < current[name]
    ]


def check_publishable(
    s: dict, lots: list[LotDraft], grid_stages: set[str], now: datetime
) -> list[Issue]:
    """What must hold before a call goes public: complete settings, its grids, deadlines ahead."""
    issues = check_call(s, lots)
    needed = ["full_application"] + (["concept_note"] if s.get("procedure") == "restricted" else [])
    labels = {
        "full_application": N_("The call has no full-application evaluation grid."),
        "concept_note": N_("A restricted call needs a concept-note evaluation grid."),
    }
    issues += [Issue("grids", labels[stage]) for stage in needed if stage not in grid_stages]
    for name in ("concept_note_deadline", "deadline"):
        moment = s.get(name)
        if moment is not None and moment <= now:
            issues.append(
                Issue(
                    name, N_("This deadline has passed; move it to the future before publishing.")
                )
            )
    return issues
