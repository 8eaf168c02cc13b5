"""Audit trail writer: every state change records who, what, before/after, when and from where, and
the call and application it concerns (found from the object: an application, a stage, an
assignment...), which the staff audit-log page (grants.auditlog) filters by."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import insert

from grants.extensions import db
from grants.models import (
    AdmissibilityRequest,
    Application,
    ApplicationStage,
    Assignment,
    Attachment,
    AuditEvent,
    Call,
    CheckOverride,
    Evaluation,
    Grant,
    GrantAmendment,
    GrantPayment,
    GrantReport,
    GrantVersion,
    Partner,
    PartnerInvitation,
)
from grants.models.base import now_utc


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def scope(obj: Any) -> tuple[int | None, int | None]:
    """(call id, application id) of the object an event is about; None where it has none (a user).
    Read from the ids the object holds, through the session's identity map (no query for rows it
    has)."""
    if isinstance(obj, Call):
        return obj.id, None
    application_id = _application_id(obj)
    if application_id is None:
        return getattr(
            obj, "call_id", None
        ), None  # a pool member, a grid, an export job; or nothing
    application = (
        obj if isinstance(obj, Application) else db.session.get(Application, application_id)
    )
    return (application.call_id if application is not None else None), application_id


def _application_id(obj: Any) -> int | None:
    if isinstance(obj, Application):
        return obj.id
    if isinstance(obj, GrantPayment | GrantReport | GrantAmendment | GrantVersion):
        obj = _parent(obj, "grant", Grant)
    if isinstance(obj, Grant):
        return obj.application_id
    if isinstance(obj, Evaluation):
        obj = _parent(obj, "assignment", Assignment)
    if isinstance(obj, Assignment | AdmissibilityRequest | CheckOverride):
        obj = _parent(obj, "stage", ApplicationStage)
    if isinstance(obj, ApplicationStage | Partner | Attachment | PartnerInvitation):
        return obj.application_id
    return None


def _parent(obj: Any, name: str, model: type) -> Any:
    """The object's parent: from the identity map by its id, or (not flushed yet) as set on the
    object."""
    parent_id = getattr(obj, f"{name}_id")
    return db.session.get(model, parent_id) if parent_id is not None else getattr(obj, name)


def record(
    action: str,
    obj: Any,
    before: dict | None = None,
    after: dict | None = None,
    user_id: int | None = None,
) -> AuditEvent:
    if user_id is None and has_request_context() and current_user.is_authenticated:
        user_id = current_user.id
    call_id, application_id = scope(obj)
    event = AuditEvent(
        call_id=call_id,
        application_id=application_id,
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "id", "") or "") or None,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        user_id=user_id,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class Event:
    """One of many audit events written at once (record_all): the object and the call and
    application it concerns, given by the caller, which has them at hand."""

    obj: Any
    call_id: int | None
    application_id: int | None
    before: dict | None = None
    after: dict | None = None


def record_all(action: str, events: list[Event], user_id: int | None = None) -> None:
    """Write many events of one action in one INSERT (a ranking changes thousands of decisions at
    once)."""
    if user_id is None and has_request_context() and current_user.is_authenticated:
        user_id = current_user.id
    ip = request.remote_addr if has_request_context() else None
    at = now_utc()
    rows = [
        {
            "at": at,
            "user_id": user_id,
            "action": action,
            "object_type": type(e.obj).__name__,
            "object_id": str(e.obj.id),
            "call_id": e.call_id,
            "application_id": e.application_id,
            "before": _plain(e.before) if e.before is not None else None,
            "after": _plain(e.after) if e.after is not None else None,
            "ip": ip,
        }
        for e in events
    ]
    if rows:
        db.session.execute(insert(AuditEvent), rows)


def snapshot(obj: Any, fields: list[str]) -> dict:
    return {f: _plain(getattr(obj, f)) for f in fields}
