"""Attachment use cases: upload (declaration, partnership statements, annexes), delete (the
slots and the stored file are read in grants.submission.queries).

The file is written when the upload is accepted; a replaced or deleted file is removed only
after the request's commit (a deferred job), so a rolled-back request never loses a file.
"""

from __future__ import annotations

from flask import current_app
from werkzeug.datastructures import FileStorage

from grants import files, storage
from grants.audit import record
from grants.extensions import db
from grants.jobs import defer
from grants.models import (
    Application,
    Attachment,
    AttachmentKind,
    User,
)
from grants.submission.queries import ANNEX, DECLARATION, STATEMENT

PDF_ONLY = (storage.PDF,)

FIELDS = ["kind", "organisation_id", "original_name", "content_type", "size"]


def _slot(application: Application, value: str) -> tuple[AttachmentKind, int | None]:
    if value == DECLARATION:
        return AttachmentKind.declaration, None
    if value == ANNEX:
        return AttachmentKind.annex, None
    partner_ids = {str(p.organisation_id): p.organisation_id for p in application.partners}
    org_id = partner_ids.get(value.removeprefix(STATEMENT)) if value.startswith(STATEMENT) else None
    if org_id is None:
        raise ValueError(value)
    return AttachmentKind.partnership_statement, org_id


def upload(application: Application, slot: str, file: FileStorage, user: User) -> Attachment:
    """Store the file if its content is accepted (storage.UploadRefused otherwise); a new
    declaration or statement replaces the previous one."""
    kind, org_id = _slot(application, slot)
    data = storage.read_limited(file.stream, current_app.config["UPLOAD_MAX_BYTES"])
    content_type = storage.check_content(
        data, storage.ALL_TYPES if kind is AttachmentKind.annex else PDF_ONLY
    )
    if kind is not AttachmentKind.annex:
        for old in [
            a for a in application.attachments if a.kind is kind and a.organisation_id == org_id
        ]:
            _remove(application, old, "attachment.replaced")
    attachment = Attachment(
        kind=kind,
        organisation_id=org_id,
        original_name=storage.display_name(file.filename),
        stored_name=files.save(data),
        content_type=content_type,
        size=len(data),
        uploaded_by_id=user.id,
    )
    application.attachments.append(attachment)
    db.session.flush()
    record(
        "attachment.uploaded",
        attachment,
        after={"application_id": application.id, **{f: getattr(attachment, f) for f in FIELDS}},
    )
    return attachment


def delete(application: Application, attachment: Attachment) -> None:
    """Delete one of the application's attachments
    (grants.submission.access.attachment_to_delete)."""
    _remove(application, attachment, "attachment.deleted")


def _remove(application: Application, attachment: Attachment, action: str) -> None:
    record(
        action,
        attachment,
        before={"application_id": application.id, **{f: getattr(attachment, f) for f in FIELDS}},
    )
    application.attachments.remove(attachment)
    db.session.flush()
    defer(files.remove, attachment.stored_name)
