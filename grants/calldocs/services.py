"""Use cases of a call's documents, clarifications and corrigenda. They flush and audit; the request
boundary commits (grants/unit_of_work.py). Refusals are `Refused` subclasses
(grants/rules/clarifications.py).

Files are checked as applicants' attachments are (grants/storage.py: size, real type from the
content, no program, script, macro or test virus). A replaced file stays, as an earlier version of
its document (CallDocumentVersion); a removed document's files go from the file store
(grants/files.py) after the commit (a deferred job), so a rolled-back request never loses one.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from grants import clock, files, mail, storage
from grants.audit import record
from grants.calldocs.queries import draft_holders, locale_of, windows
from grants.calls.services import CallRefused, update_call
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.jobs import defer
from grants.models import (
    Call,
    CallDocument,
    CallDocumentVersion,
    CallQuestion,
    CallStatus,
    Corrigendum,
    DocumentKind,
    User,
)
from grants.rules.clarifications import (
    ClarificationRefused,
    CorrigendumRefused,
    DocumentRefused,
    check_answer,
    check_corrigendum,
    check_question,
    check_windows,
)
from grants.rules.problems import N_, Issue

DOCUMENT_TYPES = (
    storage.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    storage.ODT.decode(),
)
LANGUAGES = ("en", "tr")
FIELDS = ["kind", "language", "title", "original_name", "content_type", "size", "version"]
OPEN_TO_DOCUMENTS = (CallStatus.draft, CallStatus.published)


FOLDER = "call_documents"  # of the uploads space (grants/files.py)


def file_key(document: CallDocument | CallDocumentVersion) -> str:
    return files.upload_key(document.stored_name, FOLDER)


def _read(file: FileStorage | None) -> tuple[bytes, str, str]:
    """The upload's bytes, real type and display name, or DocumentRefused."""
    if file is None or not file.filename:
        raise DocumentRefused(N_("Choose a file to upload."))
    try:
        data = storage.read_limited(file.stream, current_app.config["UPLOAD_MAX_BYTES"])
        content_type = storage.check_content(data, DOCUMENT_TYPES)
    except storage.UploadRefused as refused:
        raise DocumentRefused(refused.message, **refused.params) from None
    return data, content_type, storage.display_name(file.filename)


# Documents ---------------------------------------------------------------------------------------


def upload_document(
    call: Call, kind: str, language: str, title: str, file: FileStorage | None, user: User
) -> CallDocument:
    """Add a document to a draft or published call; one per kind and language (an "other" one has a
    title)."""
    if call.status not in OPEN_TO_DOCUMENTS:
        raise DocumentRefused(
            N_("Documents are added while the call is a draft or published."), field=""
        )
    if language not in LANGUAGES:
        raise DocumentRefused(N_("Choose the document's language."), field="language")
    try:
        document_kind = DocumentKind(kind)
    except ValueError:
        raise DocumentRefused(N_("Choose which document this is."), field="kind") from None
    title = title.strip()
    if document_kind is DocumentKind.other and not title:
        raise DocumentRefused(N_("Give the document a title: what is it?"), field="title")
    if document_kind is not DocumentKind.other and db.session.scalar(
        select(CallDocument.id).where(
            CallDocument.call_id == call.id,
            CallDocument.kind == document_kind,
            CallDocument.language == language,
        )
    ):
        raise DocumentRefused(
            N_("The call already has this document in this language: replace it instead."),
            field="kind",
        )
    data, content_type, name = _read(file)
    document = CallDocument(
        call_id=call.id,
        kind=document_kind,
        language=language,
        title=title if document_kind is DocumentKind.other else "",
        original_name=name,
        stored_name=files.save(data, FOLDER),
        content_type=content_type,
        size=len(data),
        uploaded_by_id=user.id,
        uploaded_at=clock.now(),
    )
    db.session.add(document)
    db.session.flush()
    record("call_document.uploaded", document, after=_state(document))
    return document


def _state(document: CallDocument) -> dict:
    return {name: getattr(document, name) for name in FIELDS}


def _put_file(
    document: CallDocument, upload: tuple[bytes, str, str], user: User, now: datetime
) -> tuple[dict, CallDocumentVersion]:
    """Put a new file in the document's place, keeping the one it replaces as an earlier version
    (its file stays: it may have been read); the state the document had, and that version."""
    data, content_type, name = upload
    before = _state(document)
    earlier = CallDocumentVersion(
        version=document.version,
        original_name=document.original_name,
        stored_name=document.stored_name,
        content_type=document.content_type,
        size=document.size,
        uploaded_by_id=document.uploaded_by_id,
        uploaded_at=min(document.uploaded_at, now),
        superseded_at=now,
        superseded_by_id=user.id,
    )
    document.versions.append(earlier)
    document.stored_name = files.save(data, FOLDER)
    document.original_name, document.content_type, document.size = name, content_type, len(data)
    document.version += 1
    document.uploaded_by_id, document.uploaded_at = user.id, now
    db.session.flush()
    return before, earlier


def replace_document(document: CallDocument, file: FileStorage | None, user: User) -> CallDocument:
    """Replace a document of a draft call; once the call is published, a document changes by a
    corrigendum."""
    if db.session.get(Call, document.call_id).status is not CallStatus.draft:
        raise DocumentRefused(
            N_(
                "The call is published: its documents change only by a corrigendum, which says "
                "when and why."
            )
        )
    before, _earlier = _put_file(document, _read(file), user, clock.now())
    record("call_document.replaced", document, before=before, after=_state(document))
    return document


def remove_document(document: CallDocument) -> None:
    """Remove a document of a draft call (a published document stays: applicants may have read
    it)."""
    if db.session.get(Call, document.call_id).status is not CallStatus.draft:
        raise DocumentRefused(
            N_(
                "The call is published: its documents change only by a corrigendum, which says "
                "when and why."
            ),
            field="",
        )
    record("call_document.removed", document, before=_state(document))
    stored_names = [document.stored_name] + [version.stored_name for version in document.versions]
    db.session.delete(document)
    db.session.flush()
    for stored_name in stored_names:
        defer(files.remove, stored_name, FOLDER)


# Clarifications ----------------------------------------------------------------------------------


def set_windows(
    call: Call, question_window_days: int | None, answer_window_days: int | None
) -> None:
    """The clarification windows of a draft call (the guidelines announce them: they do not change
    after)."""
    if call.status is not CallStatus.draft:
        raise ClarificationRefused(
            N_(
                "The call is published: its clarification periods were announced and "
                "no longer change."
            )
        )
    issues = check_windows(question_window_days, answer_window_days)
    if issues:
        raise ClarificationRefused(issues=issues)
    before = {
        "question_window_days": call.question_window_days,
        "answer_window_days": call.answer_window_days,
    }
    call.question_window_days, call.answer_window_days = question_window_days, answer_window_days
    db.session.flush()
    after = {"question_window_days": question_window_days, "answer_window_days": answer_window_days}
    if after != before:
        record("call.updated", call, before=before, after=after)


def ask(call: Call, user: User, text: str, now: datetime) -> CallQuestion:
    """A registered user's question, until the question window closes; staff answer it on the FAQ
    only."""
    issues = check_question(
        call.status is CallStatus.published, now, windows(call).questions_close, call.timezone, text
    )
    if issues:
        raise ClarificationRefused(issues=issues)
    question = CallQuestion(
        call_id=call.id,
        asked_by_id=user.id,
        asked_at=now,
        text=text.strip(),
        public_text=text.strip(),
    )
    db.session.add(question)
    db.session.flush()
    record("call_question.asked", question, after={"text": question.text})
    return question


def publish_answer(
    question: CallQuestion, public_text: str, answer: str, user: User, now: datetime
) -> int:
    """Publish the answer on the call's FAQ with the question as staff worded it (anonymous), until
    the answer window closes, and tell everyone with a draft in the call; how many were told."""
    call = db.session.get(Call, question.call_id)
    issues = check_answer(
        call.status is CallStatus.published,
        now,
        windows(call).answers_due,
        call.timezone,
        public_text,
        answer,
        question.published_at is not None,
    )
    if issues:
        raise ClarificationRefused(issues=issues)
    before = {"public_text": question.public_text}
    question.public_text, question.answer = public_text.strip(), answer.strip()
    question.published_at, question.published_by_id = now, user.id
    db.session.flush()
    record(
        "call_question.published",
        question,
        before=before,
        after={"public_text": question.public_text, "answer": question.answer, "published_at": now},
    )
    return _tell_drafts(
        call,
        _l("A clarification was published for %(call)s", call=call.reference),
        "email/calldocs_clarification.txt",
        question=question,
    )


# Corrigenda --------------------------------------------------------------------------------------


def publish_corrigendum(
    call: Call,
    reason: str,
    deadlines: dict[str, datetime],
    document: CallDocument | None,
    file: FileStorage | None,
    user: User,
    now: datetime,
) -> Corrigendum:
    """Change an open call: later deadlines (through the call settings service, whose rules refuse
    an earlier one) and/or a replaced document, with the reason; published on the call page, told to
    every draft holder.

    `deadlines`: the deadlines that move (concept_note_deadline, deadline) -> the new time."""
    if document is not None and document.call_id != call.id:
        raise CorrigendumRefused(N_("Choose one of this call's documents."), field="document")
    moves = {name: (getattr(call, name), new) for name, new in deadlines.items()}
    issues = check_corrigendum(
        call.status is CallStatus.published,
        now,
        call.deadline,
        call.timezone,
        reason,
        moves,
        document is not None,
    )
    if document is not None and (file is None or not file.filename):
        issues.append(Issue("file", N_("Choose the new file of the document.")))
    if issues:
        raise CorrigendumRefused(issues=issues)
    upload = _read(file) if document is not None else None
    corrigendum = Corrigendum(
        call_id=call.id,
        number=_next_number(call),
        reason=reason.strip(),
        published_at=now,
        published_by_id=user.id,
    )
    if deadlines:
        _move_deadlines(call, corrigendum, deadlines)
    if document is not None and upload is not None:
        corrigendum.document_id, corrigendum.document_name = document.id, document.original_name
        before, corrigendum.replaced_version = _put_file(document, upload, user, now)
        record("call_document.replaced", document, before=before, after=_state(document))
    db.session.add(corrigendum)
    db.session.flush()
    record(
        "corrigendum.published",
        corrigendum,
        after={
            "number": corrigendum.number,
            "reason": corrigendum.reason,
            "deadline": corrigendum.new_deadline,
            "concept_note_deadline": corrigendum.new_concept_note_deadline,
            "document": corrigendum.document_name,
            "replaced_version": (
                corrigendum.replaced_version.version if corrigendum.replaced_version else None
            ),
        },
    )
    _tell_drafts(
        call,
        _l("Corrigendum %(number)s to %(call)s", number=corrigendum.number, call=call.reference),
        "email/calldocs_corrigendum.txt",
        corrigendum=corrigendum,
    )
    return corrigendum


def _move_deadlines(call: Call, corrigendum: Corrigendum, deadlines: dict[str, datetime]) -> None:
    """Move the deadlines through the call settings service (its rules: never earlier once
    published, the concept-note deadline before the full-application one...) and note each move on
    the corrigendum."""
    before = {name: getattr(call, name) for name in deadlines}
    try:
        update_call(call, dict(deadlines), None)
    except CallRefused as refused:
        raise CorrigendumRefused(issues=refused.issues) from None
    for name in deadlines:
        setattr(corrigendum, f"old_{name}", before[name])
        setattr(corrigendum, f"new_{name}", getattr(call, name))


def _next_number(call: Call) -> int:
    return (
        db.session.scalar(
            select(func.max(Corrigendum.number)).where(Corrigendum.call_id == call.id)
        )
        or 0
    ) + 1


def _tell_drafts(call: Call, subject, template: str, **context) -> int:
    """E-mail everyone with a draft in the call, each in their language (in the draft's message
    log); how many."""
    recipients = draft_holders(call)
    link = url_for("public.call", reference=call.reference, _external=True)
    for user, application_id in recipients:
        mail.send(
            user.email,
            subject,
            template,
            locale=locale_of(user),
            about=application_id,
            user=user,
            call=call,
            link=link,
            **context,
        )
    return len(recipients)
