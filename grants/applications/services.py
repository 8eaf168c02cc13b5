"""Application use cases: start an application, save the project and the budget (a save from an
older version is refused, see conflicts.py).

Services flush and audit; the request commits once (grants.unit_of_work). A refused start raises
`ApplicationRefused` with every reason (messages marked with N_, translated where they are shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_login import current_user
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from grants import mail
from grants.applications.conflicts import (
    Conflict,
    LineInput,
    form_key,
    project_conflict,
)
from grants.applications.queries.page import last_change
from grants.applications.queries.starting import (
    acting_issue,
    first_stage,
    open_draft,
    other_applications,
    start_issues,
)
from grants.audit import record
from grants.auth.queries import acting_members
from grants.extensions import db
from grants.files import remove as remove_file
from grants.i18n import lazy_gettext as _l
from grants.jobs import defer
from grants.models import (
    Application,
    ApplicationStage,
    BudgetLine,
    Call,
    Partner,
    User,
)
from grants.rules.money import money
from grants.rules.problems import N_, Refused
from grants.signals import application_changed

QUANTITY = Decimal("0.0001")


class ApplicationRefused(Refused):
    """A start or a discard refused, with every reason (issues whose messages are marked with
    N_)."""


def start_application(user: User, call: Call, now: datetime) -> tuple[Application, bool]:
    """(the application, whether it is new): the lead's draft in the call if it has one, so that a
    second click on Start, or two colleagues at once, lead to the same draft."""
    if (
        user.organisation_id
        and (draft := open_draft(user.organisation_id, call.id)) is not None
        and acting_issue(user) is None
    ):
        return draft, False
    reasons = start_issues(
        user,
        call,
        now,
        other_applications(user.organisation_id, call.id) if user.organisation_id else 0,
    )
    if reasons:
        raise ApplicationRefused(issues=reasons)
    stage = first_stage(call)
    application = Application(call=call, lead=user.organisation, created_by_id=user.id, version=1)
    application.stages.append(ApplicationStage(stage=stage))
    try:
        with db.session.begin_nested():
            db.session.add(application)
    except (
        IntegrityError
    ):  # the same Start at the same moment: the one draft the other request made
        return open_draft(user.organisation_id, call.id), False
    record("application.started", application, after={"call": call.reference, "stage": stage.value})
    return application, True


def may_discard(application: Application) -> bool:
    """A draft that was never submitted can be discarded; once submitted, it is withdrawn
    instead."""
    return application.number is None


def notify_discarded(application: Application) -> None:
    for partner in application.partners:
        for member in acting_members([partner.organisation_id]):
            mail.send(
                member.email,
                _l("A draft application you were proposed for was discarded"),
                "email/application_discarded.txt",
                locale=member.locale,
                member=member,
                application=application,
                partner=partner,
            )


def discard(application: Application) -> None:
    """Delete a never-submitted draft with its partners, budget and attachments; partners proposed
    on it are told. Its files are removed once the deletion is committed."""
    if not may_discard(application):
        raise ApplicationRefused(
            N_("This application was submitted: it can be withdrawn, not discarded.")
        )
    for attachment in application.attachments:
        defer(remove_file, attachment.stored_name)
    record(
        "application.discarded",
        application,
        before={
            "call": application.call.reference,
            "title": application.title,
            "partners": [p.organisation_id for p in application.partners],
            "lines": len(application.budget_lines),
        },
    )
    notify_discarded(application)
    db.session.delete(application)
    db.session.flush()


@dataclass(frozen=True)
class Saved:
    """`changed`: something was written; `conflict`: refused (nothing written) because the
    application was saved since the page was loaded."""

    changed: bool
    conflict: Conflict | None = None
    voided: tuple[Partner, ...] = ()


def _changed(application: Application) -> tuple[Partner, ...]:
    """Tell the features that read the application (partners: the confirmations); the partners
    voided."""
    return tuple(
        partner for _receiver, voided in application_changed.send(application) for partner in voided
    )


def _refused(application: Application, make_conflict) -> Saved:
    # nothing was changed yet: reload what is saved now, to show beside what was typed
    db.session.expire_all()
    change = last_change(
        application, current_user.id if current_user and current_user.is_authenticated else None
    )
    return Saved(False, make_conflict(change))


def save_project(
    application: Application,
    values: dict,
    loaded_version: int | None,
    present: set[str] | None = None,
) -> Saved:
    """Save the given project fields (those that were valid); nothing to do when none changed.
    Refused, with nothing written, when the application is no longer at `loaded_version`; `present`
    names the page's fields, whose differences the conflict then lists."""
    changed = {name: value for name, value in values.items() if getattr(application, name) != value}
    if not changed:
        return Saved(False)
    if not claim_version(application, loaded_version):
        return _refused(
            application,
            lambda change: project_conflict(
                application,
                values,
                present if present is not None else {form_key(n) for n in values},
                change,
            ),
        )
    before = {name: getattr(application, name) for name in changed}
    for name, value in changed.items():
        setattr(application, name, value)
    if "lot_id" in changed:
        application.lot = next(
            (lot for lot in application.call.lots if lot.id == changed["lot_id"]), None
        )
    db.session.flush()
    record(
        "application.project_saved",
        application,
        before={**before, "version": application.version - 1},
        after={**changed, "version": application.version},
    )
    return Saved(True, None, _changed(application))


def _line_state(line: BudgetLine) -> tuple:
    return (
        line.heading,
        line.description,
        line.unit,
        Decimal(line.quantity).quantize(QUANTITY),
        money(line.unit_cost),
        line.organisation_id,
    )


def _budget_state(application: Application) -> dict:
    return {
        "lines": sorted((_line_state(line) for line in application.budget_lines), key=repr),
        **{
            name: money(getattr(application, name))
            for name in ("indirect", "contingency", "requested_grant")
        },
    }


def _plan(
    application: Application, rows: list[LineInput]
) -> list[tuple[BudgetLine | None, dict | None]]:
    """For each row: the saved line it edits (each saved line once, even if a row names it twice)
    and the values to write (None: the saved line stays as it was, or an invalid new row is not
    saved)."""
    existing = {line.id: line for line in application.budget_lines}
    return [(existing.pop(row.line_id, None), row.values) for row in rows]


def _planned_state(application: Application, plan: list, amounts: dict[str, Decimal]) -> dict:
    lines = []
    for line, values in plan:
        if values is not None:
            lines.append(
                (
                    values["heading"],
                    values["description"],
                    values["unit"],
                    Decimal(values["quantity"]).quantize(QUANTITY),
                    money(values["unit_cost"]),
                    values["organisation_id"],
                )
            )
        elif line is not None:
            lines.append(_line_state(line))
    return {
        "lines": sorted(lines, key=repr),
        **{
            name: money(amounts.get(name, getattr(application, name)))
            for name in ("indirect", "contingency", "requested_grant")
        },
    }


def save_budget(
    application: Application,
    rows: list[LineInput],
    amounts: dict[str, Decimal],
    loaded_version: int | None,
    conflict_of=None,
) -> tuple[Saved, list[BudgetLine | None]]:
    """The posted rows replace the budget (lines not posted go); returns the line saved for each
    row.

    Refused, with nothing written, when the application is no longer at `loaded_version`;
    `conflict_of(change)` then makes the conflict the page shows (default: who and when only).
    """
    before = _budget_state(application)
    plan = _plan(application, rows)
    if _planned_state(application, plan, amounts) == before:
        return Saved(False), [line for line, _values in plan]
    if not claim_version(application, loaded_version):
        return _refused(application, conflict_of or Conflict), [None] * len(rows)
    kept: list[BudgetLine] = []
    saved_rows: list[BudgetLine | None] = []
    for line, values in plan:
        if values is not None:
            line = line or BudgetLine()
            for name, value in values.items():
                setattr(line, name, value)
        if line is not None:
            line.position = len(kept)
            kept.append(line)
        saved_rows.append(line)
    application.budget_lines = kept
    for name, value in amounts.items():
        setattr(application, name, value)
    db.session.flush()
    after = _budget_state(application)
    record(
        "application.budget_saved",
        application,
        before={**before, "version": application.version - 1},
        after={**after, "version": application.version},
    )
    return Saved(True, None, _changed(application)), saved_rows


def claim_version(application: Application, loaded_version: int | None) -> bool:
    """Bump the version if it is still the one the page was loaded with; False (nothing written)
    otherwise.

    The conditional UPDATE also serialises concurrent saves on PostgreSQL (row lock until the
    commit).
    """
    table = Application.__table__
    claimed = db.session.execute(
        update(table)
        .where(table.c.id == application.id, table.c.version == (loaded_version or 0))
        .values(version=table.c.version + 1)
    ).rowcount
    db.session.refresh(application, ["version"])
    return bool(claimed)
