"""Audit trail writer: every state change records who, what, before/after, when and from where."""
from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from grants.extensions import db
from grants.models import AuditEvent


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


def record(action: str, obj: Any, before: dict | None = None, after: dict | None = None,
           user_id: int | None = None) -> AuditEvent:
    if user_id is None and has_request_context() and current_user.is_authenticated:
        user_id = current_user.id
    event = AuditEvent(
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


def snapshot(obj: Any, fields: list[str]) -> dict:
    return {f: _plain(getattr(obj, f)) for f in fields}
