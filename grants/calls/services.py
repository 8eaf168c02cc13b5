"""Calls use cases."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from grants.extensions import db
from grants.models import Call, CallStatus


def public_calls(now: datetime) -> tuple[list[Call], list[Call]]:
    """Published calls accepting submissions now, and those that open later."""
    calls = db.session.scalars(
        select(Call).where(Call.status == CallStatus.published, Call.deadline > now).order_by(Call.deadline)
    ).all()
    return [c for c in calls if c.opens_at <= now], [c for c in calls if c.opens_at > now]


def public_call(reference: str) -> Call | None:
    return db.session.scalar(
        select(Call).where(Call.reference == reference, Call.status != CallStatus.draft)
    )
