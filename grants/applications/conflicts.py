"""Two tabs or two colleagues on one page: a save made from an older version of the application is
refused.

The version the page was loaded with is checked in the UPDATE's WHERE, so of two saves from the same
version only the first writes anything. The refused page keeps what its user typed and shows, field
by field (line by line for the budget), what is saved now, by whom and when; the user then chooses
per difference ("mine" or "theirs") and saves again against the new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from grants.models import Application, BudgetLine
from grants.models.applications import PROJECT_FIELDS as APPLICATION_FIELDS

MINE, THEIRS = "mine", "theirs"


@dataclass(frozen=True)
class LineInput:
    """One row of the budget form: `values` None when the row was invalid (a saved line then stays
    as it was)."""

    line_id: int | None
    values: dict | None


@dataclass(frozen=True)
class Change:
    """The last save of the application: who (None if unknown), when, and whether it was the same
    user."""

    name: str | None
    at: datetime | None
    same_user: bool


@dataclass(frozen=True)
class Conflict:
    """A refused save: the last change, and what is saved now for each key that differs from the
    page ("title", "indirect", "line-12"; a line's value is None when they removed it)."""

    change: Change
    theirs: dict[str, object] = field(default_factory=dict)
    added: tuple[BudgetLine, ...] = ()  # saved lines that are not on the page

    @property
    def keys(self) -> list[str]:
        return list(self.theirs) + [f"line-{line.id}" for line in self.added]


def read_choices(formdata) -> dict[str, str | None]:
    """The differences the page showed (hidden `conflicts`) and the user's choice for each, None if
    not made."""
    keys = [key for key in (formdata.get("conflicts") or "").split(",") if key]
    return {
        key: formdata.get(f"choice-{key}")
        if formdata.get(f"choice-{key}") in (MINE, THEIRS)
        else None
        for key in keys
    }


def unresolved(choices: dict[str, str | None]) -> list[str]:
    return [key for key, choice in choices.items() if choice is None]


# Project ------------------------------------------------------------------------------------------

PROJECT_FIELDS = ("lot_id", *APPLICATION_FIELDS)


def form_key(name: str) -> str:
    """The form field of a project column (the lot's field is `lot`)."""
    return "lot" if name == "lot_id" else name


def project_conflict(
    application: Application, typed: dict, present: set[str], change: Change
) -> Conflict:
    """What is saved now for each project field that differs from the page: `typed` holds the valid
    fields as the service saves them, `present` the form's fields (those not in `typed` were
    invalid)."""
    theirs = {}
    for name in PROJECT_FIELDS:
        key = form_key(name)
        if key not in present:
            continue
        saved = getattr(application, name)
        if name not in typed or typed[name] != saved:
            theirs[key] = saved
    return Conflict(change, theirs)


def apply_project_choices(values: dict, choices: dict[str, str | None]) -> dict:
    """The values to save: a field where the user took theirs is left as saved."""
    dropped = {
        "lot_id" if key == "lot" else key for key, choice in choices.items() if choice != MINE
    }
    return {name: value for name, value in values.items() if name not in dropped}


# Budget -------------------------------------------------------------------------------------------

LINE_FIELDS = ("heading", "description", "unit", "quantity", "unit_cost", "organisation_id")
AMOUNTS = ("indirect", "contingency", "requested_grant")


def line_id_of(entry) -> int | None:
    text = str(entry.form.line_id.data or "")
    return int(text) if text.isdigit() else None


def _line_differs(values: dict | None, line: BudgetLine) -> bool:
    return values is None or any(values[name] != getattr(line, name) for name in LINE_FIELDS)


def budget_conflict(application: Application, form, rows: list, change: Change) -> Conflict:
    """What is saved now for each line and amount that differs from the page. `rows`: (form row,
    LineInput) of the rows kept (neither removed nor blank); a row left out removes its line."""
    saved = {line.id: line for line in application.budget_lines}
    kept = {id(entry): row for entry, row in rows}
    theirs: dict[str, object] = {}
    on_page = set()
    for entry in form.lines:
        line_id = line_id_of(entry)
        if line_id is None:
            continue  # a new line of this user's
        on_page.add(line_id)
        row = kept.get(id(entry))
        line = saved.get(line_id)
        if line is None:
            if row is not None:
                theirs[f"line-{line_id}"] = None  # removed since
        elif row is None or _line_differs(row.values, line):
            theirs[f"line-{line_id}"] = line
    for name in AMOUNTS:
        typed = form[name].data if form[name].data is not None else Decimal("0.00")
        if form[name].errors or typed != getattr(application, name):
            theirs[name] = getattr(application, name)
    added = tuple(line for line in application.budget_lines if line.id not in on_page)
    return Conflict(change, theirs, added)


def apply_budget_choices(
    application: Application, rows: list, amounts: dict, choices: dict[str, str | None]
) -> tuple[list, dict]:
    """The rows and amounts to save once every difference is chosen: a line or amount where the user
    took theirs stays as saved (or stays removed); where they kept theirs, their line comes back on
    the page."""
    saved = {line.id: line for line in application.budget_lines}
    theirs = {key for key, choice in choices.items() if choice == THEIRS}
    out = []
    for entry, row in rows:
        key = f"line-{row.line_id}"
        if row.line_id is not None and key in theirs:
            if row.line_id in saved:
                out.append((entry, LineInput(row.line_id, None)))
            continue
        if row.line_id is not None and row.line_id not in saved:
            row = LineInput(
                None, row.values
            )  # kept although they removed it: saved again as a new line
        out.append((entry, row))
    present = {row.line_id for _entry, row in out}
    out += [
        (None, LineInput(line.id, None))
        for line in application.budget_lines
        if f"line-{line.id}" in theirs and line.id not in present
    ]
    return out, {name: value for name, value in amounts.items() if name not in theirs}
