"""Audit trail: every state change, who made it, from where, before and after.

`call_id` and `application_id` say which call and application an event concerns (grants.audit finds
them from the object), so that the staff audit-log page filters by them with an index. They are
plain numbers, not foreign keys: the record outlives a call deleted by a bundle import with
--replace."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.models.base import Base, Timestamp, now_utc


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[Timestamp] = mapped_column(default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    call_id: Mapped[int | None] = mapped_column(index=True)
    application_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    ip: Mapped[str | None] = mapped_column(String(64))

    user = relationship("User")
    # read-only, for the audit-log page: the ids are no foreign keys (the record outlives a deleted
    # call)
    call = relationship("Call", primaryjoin="foreign(AuditEvent.call_id) == Call.id", viewonly=True)
    application = relationship(
        "Application",
        primaryjoin="foreign(AuditEvent.application_id) == Application.id",
        viewonly=True,
    )
