"""Loaders: the call, document or question a route names, or 404 (a draft call has no public
pages)."""

from __future__ import annotations

from sqlalchemy import select

from grants.access import load_or_404
from grants.extensions import db
from grants.models import (
    Call,
    CallDocument,
    CallDocumentVersion,
    CallQuestion,
    CallStatus,
    Corrigendum,
)


def staff_call(call_id: int) -> Call:
    return load_or_404(db.session.get(Call, call_id))


def public_call(reference: str) -> Call:
    """A call as the public sees it: any but a draft."""
    return load_or_404(
        db.session.scalar(select(Call).where(Call.reference == reference)),
        lambda call: call.status is not CallStatus.draft,
    )


def _is_staff(user) -> bool:
    return user.is_authenticated and user.has_role("staff")


def document_to_download(reference: str, document_id: int, user) -> CallDocument:
    """A document of a call the public sees (staff also download those of a draft call); 404
    otherwise."""
    call = load_or_404(
        db.session.scalar(select(Call).where(Call.reference == reference)),
        lambda call: call.status is not CallStatus.draft or _is_staff(user),
    )
    return load_or_404(
        db.session.get(CallDocument, document_id), lambda document: document.call_id == call.id
    )


def version_to_download(
    reference: str, document_id: int, version: int, user
) -> CallDocumentVersion:
    """An earlier version of a document the user may download: one a corrigendum replaced (public),
    or any for staff; 404 otherwise."""
    document = document_to_download(reference, document_id, user)
    found = db.session.scalar(
        select(CallDocumentVersion).where(
            CallDocumentVersion.document_id == document.id, CallDocumentVersion.version == version
        )
    )
    return load_or_404(
        found,
        lambda earlier: (
            _is_staff(user)
            or db.session.scalar(
                select(Corrigendum.id).where(Corrigendum.replaced_version_id == earlier.id)
            )
            is not None
        ),
    )


def staff_document(document_id: int) -> CallDocument:
    return load_or_404(db.session.get(CallDocument, document_id))


def staff_question(question_id: int) -> CallQuestion:
    return load_or_404(db.session.get(CallQuestion, question_id))
