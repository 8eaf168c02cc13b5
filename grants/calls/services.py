"""Calls use cases: create, edit (with the freeze rule), grids, status changes (the reads:
calls/queries.py).

Services flush and audit; the request boundary (grants/unit_of_work.py) commits. Every refusal is a
`CallRefused` (a `Refused`) carrying the issues (field, message) for the form, a refused status
change too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from grants.audit import record
from grants.calls.default_grids import CONCEPT_NOTE_GRID, FULL_APPLICATION_GRID
from grants.calls.grids import build_grid, build_sections, grid_definition
from grants.calls.mapping import FROZEN_FIELDS
from grants.calls.queries import (
    grid_locked,
    has_submissions,
    lots_of,
    rows_of,
    settings_of,
    state_of,
)
from grants.extensions import db
from grants.i18n import local_time
from grants.labels import CALL_STATUS_LABELS
from grants.models import (
    Application,
    AwardRule,
    Call,
    CallStatus,
    Grid,
    Lot,
    Procedure,
    Stage,
)
from grants.models.base import now_utc
from grants.rules.call_settings import LotDraft, check_call
from grants.rules.grids import GridDraft, check_grid
from grants.rules.problems import N_, Issue, Refused
from grants.rules.publication import check_deadlines_not_earlier, check_publishable
from grants.rules.transitions import InvalidTransition, check_call_transition
from grants.status import move_call

EDITABLE_STATUSES = (CallStatus.draft, CallStatus.published, CallStatus.evaluation)


class CallRefused(Refused):
    """A call's settings, grid or status change refused: one issue per setting concerned."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues=issues)


class SettingsFrozen(CallRefused):
    """A change to money or eligibility rules after an application was submitted."""

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        super().__init__(
            [
                Issue(
                    name,
                    N_("The lots cannot change: applications have been submitted to this call.")
                    if name == "lots"
                    else N_("This cannot change: applications have been submitted to this call."),
                )
                for name in fields
            ]
        )


# Writing -----------------------------------------------------------------------------------------


def _reference_taken(reference: str | None, call: Call | None) -> list[Issue]:
    if reference is None or (call is not None and reference == call.reference):
        return []
    if db.session.scalar(select(exists().where(Call.reference == reference))):
        return [
            Issue(
                "reference",
                N_("Another call already has the reference %(reference)s."),
                {"reference": reference},
            )
        ]
    return []


def _apply(call: Call, settings: dict) -> None:
    for name, value in settings.items():
        if name == "procedure":
            value = Procedure(value)
        elif name == "award_rule":
            value = AwardRule(value)
        setattr(call, name, value)
    restricted = call.procedure is Procedure.restricted
    if call.grid_for(Stage.full_application) is None:
        call.grids.append(build_grid(Stage.full_application, FULL_APPLICATION_GRID))
    note_grid = call.grid_for(Stage.concept_note)
    if restricted and note_grid is None:
        call.grids.append(build_grid(Stage.concept_note, CONCEPT_NOTE_GRID))
    elif not restricted and note_grid is not None:
        call.grids.remove(note_grid)


def _removed_lots_in_use(call: Call, lots: list[LotDraft]) -> list[Issue]:
    removed = [lot.id for lot in call.lots if lot.code not in {d.code for d in lots}]
    in_use = (
        db.session.scalars(
            select(Lot.code)
            .join(Application, Application.lot_id == Lot.id)
            .where(Lot.id.in_(removed))
            .distinct()
        ).all()
        if removed
        else []
    )
    return [
        Issue("lots", N_("Lot %(code)s has applications and cannot be removed."), {"code": code})
        for code in in_use
    ]


def _apply_lots(call: Call, lots: list[LotDraft]) -> None:
    """Lots matched by code, so a lot keeps its id (and its applications) when edited."""
    existing = {lot.code: lot for lot in call.lots}
    kept = []
    for position, draft in enumerate(lots):
        lot = existing.pop(draft.code, None) or Lot(code=draft.code)
        lot.position, lot.name, lot.themes, lot.budget = (
            position,
            draft.name,
            draft.themes,
            draft.budget,
        )
        kept.append(lot)
    call.lots = kept


def grid_max(call: Call | None) -> int:
    """The most points the full-application grid gives (the default grid's for a new call)."""
    grid = call.grid_for(Stage.full_application) if call is not None else None
    return (grid or build_grid(Stage.full_application, FULL_APPLICATION_GRID)).max_total


def create_call(settings: dict, lots: list[LotDraft]) -> Call:
    issues = check_call({**settings, "grid_max": grid_max(None)}, lots) + _reference_taken(
        settings.get("reference"), None
    )
    if issues:
        raise CallRefused(issues)
    call = Call(status=CallStatus.draft)
    _apply(call, settings)
    _apply_lots(call, lots)
    db.session.add(call)
    db.session.flush()
    record("call.created", call, after=state_of(call))
    return call


def update_call(call: Call, settings: dict, lots: list[LotDraft] | None) -> Call:
    """Change a call's settings; keys absent from `settings` (and lots None) stay as they are."""
    current = settings_of(call)
    _refuse_frozen(call, current, settings, lots)
    merged = {**current, **settings}
    issues = _update_issues(call, current, merged, settings, lots)
    if issues:
        raise CallRefused(issues)
    before = state_of(call)
    _apply(call, {k: v for k, v in settings.items() if v != current[k]})
    if lots is not None:
        _apply_lots(call, lots)
    db.session.flush()
    _record_update(call, before)
    return call


def _refuse_frozen(call: Call, current: dict, settings: dict, lots: list[LotDraft] | None) -> None:
    """A decided or closed call does not change; once applications were submitted, nor do its frozen
    settings."""
    if call.status not in EDITABLE_STATUSES:
        raise CallRefused([Issue("", N_("A decided or closed call cannot be edited."))])
    if not has_submissions(call):
        return
    changed = [
        name for name in FROZEN_FIELDS if name in settings and settings[name] != current[name]
    ]
    if lots is not None and rows_of(lots) != rows_of(lots_of(call)):
        changed.append("lots")
    if changed:
        raise SettingsFrozen(changed)


def _update_issues(
    call: Call, current: dict, merged: dict, settings: dict, lots: list[LotDraft] | None
) -> list[Issue]:
    """What is wrong with the call as it would be: its settings, its reference, lots still in use,
    and (once published) a deadline moved earlier."""
    issues = check_call(
        {**merged, "grid_max": grid_max(call)}, lots if lots is not None else lots_of(call)
    )
    issues += _reference_taken(settings.get("reference"), call)
    issues += _removed_lots_in_use(call, lots) if lots is not None else []
    if call.status is not CallStatus.draft:
        issues += check_deadlines_not_earlier(current, merged)
    return issues


def _record_update(call: Call, before: dict) -> None:
    after = state_of(call)
    changed_keys = [k for k in after if after[k] != before[k]]
    if changed_keys:
        record(
            "call.updated",
            call,
            before={k: before[k] for k in changed_keys},
            after={k: after[k] for k in changed_keys},
        )


def change_status(call: Call, target: str) -> None:
    """Move a call along draft -> published -> evaluation -> decided -> closed, or refuse
    (CallRefused)."""
    new = _next_status(call, target)
    now = now_utc()
    if new is CallStatus.published:
        issues = check_publishable(
            settings_of(call), lots_of(call), {g.stage.value for g in call.grids}, now
        )
        if issues:
            raise CallRefused(issues)
        call.published_at = now
    elif new is CallStatus.evaluation:
        _refuse_open_submissions(call, now)
    move_call(call, new, action="call.status_changed")
    db.session.flush()


def _next_status(call: Call, target: str) -> CallStatus:
    """The status `target` names, if the call may move there."""
    try:
        check_call_transition(call.status, target)
    except InvalidTransition as refused:
        raise CallRefused(
            [
                Issue(
                    "",
                    N_("A call cannot go from %(old)s to %(new)s."),
                    {
                        "old": CALL_STATUS_LABELS.get(refused.old, refused.old),
                        "new": CALL_STATUS_LABELS.get(refused.new, refused.new),
                    },
                )
            ]
        ) from None
    return CallStatus(target)


def _refuse_open_submissions(call: Call, now: datetime) -> None:
    first = call.concept_note_deadline if call.procedure is Procedure.restricted else call.deadline
    if now < first:
        raise CallRefused(
            [
                Issue(
                    "",
                    N_(
                        "Submissions are open until %(deadline)s; the call can go to "
                        "evaluation only after that."
                    ),
                    {"deadline": local_time(first, call.timezone)},
                )
            ]
        )


def save_grid(call: Call, stage: Stage, draft: GridDraft) -> Grid:
    if grid_locked(call, stage):
        raise CallRefused(
            [
                Issue(
                    "",
                    N_(
                        "This grid can no longer change: applications have been submitted "
                        "to this stage, or the evaluation has started."
                    ),
                )
            ]
        )
    issues = check_grid(draft)
    if issues:
        raise CallRefused(issues)
    grid = call.grid_for(stage)
    before = grid_definition(grid) if grid is not None else None
    if grid is None:
        grid = Grid(stage=stage)
        call.grids.append(grid)
    else:
        grid.sections.clear()
        db.session.flush()  # the old rows go before new ones reuse their codes
    definition = grid_definition(draft)
    grid.sections = build_sections(definition)
    grid.max_total, grid.pass_threshold = draft.max_total, draft.pass_threshold
    grid.tie_break_section = draft.tie_break_section
    db.session.flush()
    record("grid.updated", grid, before=before, after=definition)
    return grid
