"""Shared by the call documents, clarifications and corrigenda tests: a fixed clock and a call
placed on it."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from grants.models import AuditEvent, OutboxMessage
from tests.factories import make_call

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)  # the fixed clock of these tests


def call_on_clock(status: str = "published", deadline_in: timedelta = timedelta(days=40), **kw):
    """A call opened 10 days before NOW, its deadline `deadline_in` after NOW."""
    call = make_call(status=status, **kw)
    call.opens_at, call.deadline = NOW - timedelta(days=10), NOW + deadline_in
    if call.concept_note_deadline is not None:
        call.concept_note_deadline = NOW + deadline_in / 2
    return call


def upload(data: bytes, name: str):
    return io.BytesIO(data), name


def audit_actions(db, call_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.call_id == call_id).order_by(AuditEvent.id)
        )
    )


def mails(db) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def page(response) -> str:
    return response.get_data(as_text=True)
