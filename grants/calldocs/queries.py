"""Reads: a call's documents, FAQ, questions and corrigenda, its clarification windows, who has a
draft in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.calldocs.presenters import TEMPLATE_OF
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    AttachmentKind,
    Call,
    CallDocument,
    CallDocumentVersion,
    CallQuestion,
    Corrigendum,
    DocumentKind,
    Organisation,
    StageStatus,
    User,
)
from grants.rules.clarifications import answers_due, first_deadline, questions_close

KIND_ORDER = list(DocumentKind)


def documents_of(call: Call) -> list[CallDocument]:
    """The call's documents: by kind (guidelines first), then language, then title; each with its
    earlier versions (newest first) and who uploaded it."""
    documents = db.session.scalars(
        select(CallDocument)
        .options(
            selectinload(CallDocument.versions).selectinload(CallDocumentVersion.uploaded_by),
            selectinload(CallDocument.uploaded_by),
        )
        .where(CallDocument.call_id == call.id)
    ).all()
    return sorted(
        documents, key=lambda d: (KIND_ORDER.index(d.kind), d.language, d.title.casefold(), d.id)
    )


def public_versions(call: Call) -> dict[int, list[CallDocumentVersion]]:
    """The earlier versions the public sees, per document id, newest first: those a corrigendum
    replaced (a version replaced while the call was a draft was never published)."""
    versions = db.session.scalars(
        select(CallDocumentVersion)
        .join(CallDocument, CallDocument.id == CallDocumentVersion.document_id)
        .where(
            CallDocument.call_id == call.id,
            CallDocumentVersion.id.in_(
                select(Corrigendum.replaced_version_id).where(Corrigendum.call_id == call.id)
            ),
        )
        .order_by(CallDocumentVersion.document_id, CallDocumentVersion.version.desc())
    )
    found: dict[int, list[CallDocumentVersion]] = {}
    for version in versions:
        found.setdefault(version.document_id, []).append(version)
    return found


def template_for(call: Call, kind: AttachmentKind, locale: str) -> list[CallDocument]:
    """The template(s) a required attachment follows, the reader's language first."""
    template = TEMPLATE_OF.get(kind)
    if template is None:
        return []
    found = db.session.scalars(
        select(CallDocument).where(CallDocument.call_id == call.id, CallDocument.kind == template)
    ).all()
    return sorted(found, key=lambda d: (d.language != locale, d.language))


def published_answers(call: Call) -> list[CallQuestion]:
    return list(
        db.session.scalars(
            select(CallQuestion)
            .where(CallQuestion.call_id == call.id, CallQuestion.published_at.is_not(None))
            .order_by(CallQuestion.published_at, CallQuestion.id)
        )
    )


def questions_of(call: Call) -> list[CallQuestion]:
    """Every question of the call, those waiting for an answer first, oldest first."""
    return list(
        db.session.scalars(
            select(CallQuestion)
            .where(CallQuestion.call_id == call.id)
            .order_by(
                CallQuestion.published_at.is_not(None), CallQuestion.asked_at, CallQuestion.id
            )
        )
    )


def corrigenda_of(call: Call) -> list[Corrigendum]:
    return list(
        db.session.scalars(
            select(Corrigendum)
            .options(selectinload(Corrigendum.document), selectinload(Corrigendum.replaced_version))
            .where(Corrigendum.call_id == call.id)
            .order_by(Corrigendum.number)
        )
    )


@dataclass(frozen=True)
class Windows:
    questions_close: datetime  # exclusive
    answers_due: datetime  # exclusive

    def accepts_questions(self, now: datetime) -> bool:
        return now < self.questions_close


def windows(call: Call) -> Windows:
    first = first_deadline(call.concept_note_deadline, call.deadline)
    return Windows(
        questions_close(first, call.question_window_days, call.timezone),
        answers_due(first, call.answer_window_days, call.timezone),
    )


def draft_holders(call: Call) -> list[tuple[User, int]]:
    """Who has a draft in the call, with the draft: the members acting for the lead organisation of
    an application with a stage not yet submitted (a draft, or reopened for correction), each once
    (with their organisation's first such application, whose message log records what they are
    told)."""
    rows = db.session.execute(
        select(User, Application.id)
        .join(Organisation, User.organisation_id == Organisation.id)
        .join(Application, Application.lead_id == Organisation.id)
        .join(ApplicationStage, ApplicationStage.application_id == Application.id)
        .where(
            Application.call_id == call.id,
            ApplicationStage.status == StageStatus.draft,
            User.member_verified_at.is_not(None),
            User.active.is_(True),
            Organisation.verified_at.is_not(None),
        )
        .order_by(User.id, Application.id)
    )
    holders: dict[int, tuple[User, int]] = {}
    for user, application_id in rows:
        holders.setdefault(user.id, (user, application_id))
    return list(holders.values())


def locale_of(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def attachment_templates(call: Call, kind: str) -> list[CallDocument]:
    """The templates the required attachment of this kind follows, the reader's language first (read
    once per request and kind: a page lists a statement per partner)."""
    memo = g.setdefault("calldocs_templates", {})
    key = (call.id, kind, str(get_locale()))
    if key not in memo:
        memo[key] = template_for(call, AttachmentKind(kind), key[2])
    return memo[key]
