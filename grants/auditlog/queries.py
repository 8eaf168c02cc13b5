"""The audit log's read model: a page of events, newest first, with who made each, and the call and
application it concerns; filtered by call, application, user and a range of days. A page costs the
same few queries whatever the number of events (the filters use the indexes of audit_event)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload

from grants.extensions import db
from grants.models import Application, AuditEvent, Call, User
from grants.rules.text import fold

PER_PAGE = 50


@dataclass(frozen=True)
class Filters:
    call_id: int | None = None
    application_id: int | None = None
    user: str = ""  # name or e-mail address contains
    since: datetime | None = None  # UTC, included
    until: datetime | None = None  # UTC, excluded


def calls() -> list[tuple[int, str, str, str]]:
    """(id, reference, title, time zone) of every call, newest first."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(Call.id, Call.reference, Call.title, Call.timezone).order_by(
                Call.created_at.desc(), Call.id.desc()
            )
        )
    ]


def application_by_reference(reference: str) -> tuple[int, int] | None:
    """(id, call id) of the application with that reference."""
    row = db.session.execute(
        select(Application.id, Application.call_id).where(Application.reference == reference)
    ).first()
    return tuple(row) if row else None


def day_range(
    since: date | None, until: date | None, zone: str
) -> tuple[datetime | None, datetime | None]:
    """The UTC bounds of the days from `since` to `until` (included), as days of the zone."""
    tz = ZoneInfo(zone)
    start = datetime.combine(since, time(), tz) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), tz) if until else None
    return start, end


def events_page(filters: Filters, page: int) -> Pagination:
    """Events with who made each, and the call and application they concern (loaded with the
    page)."""
    query = (
        select(AuditEvent)
        .options(
            joinedload(AuditEvent.call).load_only(Call.reference, Call.timezone, Call.currency),
            joinedload(AuditEvent.application).load_only(Application.reference),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if filters.call_id is not None:
        query = query.where(AuditEvent.call_id == filters.call_id)
    if filters.application_id is not None:
        query = query.where(AuditEvent.application_id == filters.application_id)
    if filters.user:
        query = (
            query.join(AuditEvent.user)
            .options(contains_eager(AuditEvent.user))
            .where(
                or_(
                    User.email.contains(filters.user.lower(), autoescape=True),
                    User.name_key.contains(fold(filters.user) or filters.user, autoescape=True),
                )
            )
        )
    else:
        query = query.options(joinedload(AuditEvent.user))
    if filters.since is not None:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.at < filters.until)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, count=True)
