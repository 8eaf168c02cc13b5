"""Shared arrangements for the submission tests: a lead user's application that is ready to
submit."""

from __future__ import annotations

import html
import io
import re
import secrets
import zipfile

from grants.extensions import db
from grants.models import Application, Attachment, AttachmentKind, Organisation, User
from tests.factories import make_application, make_call, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
DOCX_TYPES = (
    b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def office_file(manifest: bytes | None = DOCX_TYPES, mimetype: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype)
        if manifest is not None:
            archive.writestr("[Content_Types].xml", manifest)
        archive.writestr("word/document.xml", b"<document/>")
    return buffer.getvalue()


def attach(
    application: Application,
    kind: AttachmentKind,
    organisation_id: int | None = None,
    name: str = "document.pdf",
) -> Attachment:
    attachment = Attachment(
        kind=kind,
        organisation_id=organisation_id,
        original_name=name,
        stored_name=secrets.token_hex(32),
        content_type="application/pdf",
        size=len(PDF),
    )
    application.attachments.append(attachment)
    return attachment


def ready_application(lead: User | Organisation, call=None, **kw) -> Application:
    """A complete application of the organisation (or the user's), with its declaration and
    statements, committed."""
    organisation = lead.organisation if isinstance(lead, User) else lead
    application = make_application(call or make_call(), lead=organisation, **kw)
    attach(application, AttachmentKind.declaration, name="declaration.pdf")
    for partner in application.partners:
        attach(
            application,
            AttachmentKind.partnership_statement,
            partner.organisation_id,
            name="statement.pdf",
        )
    db.session.commit()
    return application


def partner_member(application: Application, **kw) -> User:
    return make_user(organisation=application.partners[0].organisation, **kw)


def text(response) -> str:
    """The page's text with entities decoded and white space collapsed, as a reader sees it."""
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def check_url(application: Application) -> str:
    return f"/applications/{application.id}/check"


def submit(post, application: Application, page: str | None = None, **kw):
    return post(f"/applications/{application.id}/submit", page=page or check_url(application), **kw)


def upload(post, application, document: str, data: bytes, name: str, **kw):
    url = f"/applications/{application.id}/attachments"
    return post(url, {"document": document, "file": (io.BytesIO(data), name)}, **kw)
