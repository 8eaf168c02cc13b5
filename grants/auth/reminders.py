"""The user's reminder choices (docs/domain.md 8): each kind that is not legally required can be
turned off; the account page lists the kinds for the user's role."""

from __future__ import annotations

from sqlalchemy import delete, select

from grants.audit import record
from grants.extensions import db
from grants.models import ReminderOptOut, User
from grants.rules.reminders import Kind, optional_kinds

AUDIENCES = {  # who receives a kind: the roles of its audience
    "applicant": ("applicant",),
    "beneficiary": ("applicant",),
    "evaluator": ("evaluator",),
    "staff": ("staff", "admin"),
}


def kinds_for(user: User) -> list[Kind]:
    """The kinds the user may turn off: those sent to people of the user's role."""
    return [k for k in optional_kinds() if user.role.value in AUDIENCES[k.audience]]


def turned_off(user: User) -> set[str]:
    return set(
        db.session.scalars(select(ReminderOptOut.kind).where(ReminderOptOut.user_id == user.id))
    )


def save_choices(user: User, wanted: set[str]) -> None:
    """Keep the user's kinds in `wanted` on and turn the others (of kinds_for) off; audited."""
    offered = {k.code for k in kinds_for(user)}
    before = turned_off(user)
    after = (before - offered) | (offered - wanted)
    if after == before:
        return
    db.session.execute(delete(ReminderOptOut).where(ReminderOptOut.user_id == user.id))
    db.session.add_all(ReminderOptOut(user_id=user.id, kind=kind) for kind in sorted(after))
    db.session.flush()
    record(
        "reminder_choices",
        user,
        before={"turned_off": sorted(before)},
        after={"turned_off": sorted(after)},
    )
