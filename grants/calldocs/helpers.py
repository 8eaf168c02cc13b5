"""Template helpers, so that pages of other packages (the public call page, the applicant's
attachments) show a call's documents, corrigenda and clarification dates without their routes
changing: reads only."""

from __future__ import annotations

from flask import g
from flask_babel import get_locale

from grants.calldocs import queries
from grants.calldocs.labels import KIND_LABELS, LANGUAGE_LABELS
from grants.models import AttachmentKind, Call, CallDocument


def document_label(document: CallDocument) -> str:
    return str(document.title or KIND_LABELS[document.kind])


def language_label(document: CallDocument) -> str:
    return str(LANGUAGE_LABELS[document.language])


def attachment_templates(call: Call, kind: str) -> list[CallDocument]:
    """The templates the required attachment of this kind follows, the reader's language first (read
    once per request and kind: a page lists a statement per partner)."""
    memo = g.setdefault("calldocs_templates", {})
    key = (call.id, kind, str(get_locale()))
    if key not in memo:
        memo[key] = queries.template_for(call, AttachmentKind(kind), key[2])
    return memo[key]
