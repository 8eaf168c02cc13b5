"""Loaders of the committee pages: the object asked for, or 404 as if it did not exist
(grants/access.py). Staff see every call's committee; a member sees only the committees they sit
on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.access import load_or_404
from grants.extensions import db
from grants.models import Call, CommitteeMember, User


def call_or_404(call_id: int) -> Call:
    return load_or_404(
        db.session.scalar(select(Call).where(Call.id == call_id).options(joinedload(Call.lots)))
    )


def member_or_404(call: Call, member_id: int) -> CommitteeMember:
    """A member of this call's committee."""
    return load_or_404(db.session.get(CommitteeMember, member_id), lambda m: m.call_id == call.id)


def seat_or_404(user: User, call_id: int) -> tuple[CommitteeMember, Call]:
    """The user's seat on the call's committee, and the call; 404 when they have none."""
    row = load_or_404(
        db.session.execute(
            select(CommitteeMember, Call)
            .join(Call, Call.id == CommitteeMember.call_id)
            .where(CommitteeMember.call_id == call_id, CommitteeMember.user_id == user.id)
            .options(joinedload(CommitteeMember.approval))
        ).first()
    )
    return row[0], row[1]
