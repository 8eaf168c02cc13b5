"""The user's reminder choices saved (docs/domain.md 8): each kind that is not legally required can
be turned off."""

from __future__ import annotations

from sqlalchemy import delete

from grants.audit import record
from grants.auth.queries import kinds_for, turned_off
from grants.extensions import db
from grants.models import ReminderOptOut, User


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
