"""Loaders: the call, document or question a route names, or 404 (a draft call has no public
pages)."""

from __future__ import annotations

from sqlalchemy import select

from grants.access import load_or_404
from grants.extensions import db
from grants.models import Call, CallDocument, CallQuestion, CallStatus


def staff_call(call_id: int) -> Call:
    return load_or_404(db.session.get(Call, call_id))


def public_call(reference: str) -> Call:
    """A call as the public sees it: any but a draft."""
    return load_or_404(
        db.session.scalar(select(Call).where(Call.reference == reference)),
        lambda call: call.status is not CallStatus.draft,
    )


def document_to_download(reference: str, document_id: int, user) -> CallDocument:
    """A document of a call the public sees (staff also download those of a draft call); 404
    otherwise."""
    call = load_or_404(
        db.session.scalar(select(Call).where(Call.reference == reference)),
        lambda call: (
            call.status is not CallStatus.draft
            or (user.is_authenticated and user.has_role("staff"))
        ),
    )
    return load_or_404(
        db.session.get(CallDocument, document_id), lambda document: document.call_id == call.id
    )


def staff_document(document_id: int) -> CallDocument:
    return load_or_404(db.session.get(CallDocument, document_id))


def staff_question(question_id: int) -> CallQuestion:
    return load_or_404(db.session.get(CallQuestion, question_id))
