"""L1 (docs/security.md): office files are looked inside (programs, the EICAR test file, zip bombs),
PDFs with scripts or actions are refused, and a stored file is served with the extension of what it
really is."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sqlalchemy import select

from grants import storage
from grants.models import Attachment
from grants.storage import ALL_TYPES, UploadRefused, check_content
from tests.factories import make_application, make_call
from tests.factories.submission import DOCX_TYPES, EICAR, PDF, upload


def _docx(*members: tuple[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("word/document.xml", b"<document/>")
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def _pdf_with_script() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(script)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ESCAPED_LAUNCH = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /Open#41ction 3 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"3 0 obj << /S /Laun#63h /F (cmd.exe) >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (_docx(("word/embeddings/tool.exe", b"MZ\x90\x00" + b"\x00" * 100)), "holds a program"),
        (_docx(("word/media/readme.txt", b"#!/bin/sh\nrm -rf ~\n")), "holds a program"),
        (_docx(("word/media/x.txt", EICAR)), "EICAR"),
        (_docx(("word/media/x.txt", EICAR), compression=zipfile.ZIP_STORED), "EICAR"),
        (_docx(("word/media/zeros.bin", b"\x00" * (60 * 1024 * 1024))), "zip bomb"),
        (_pdf_with_script(), "contains a script"),
        (
            ESCAPED_LAUNCH,
            "contains a script",
        ),  # names escaped with #xx slip past a plain byte search
    ],
)
def test_dangerous_content_inside_documents_is_refused(data, says):
    with pytest.raises(UploadRefused) as refused:
        check_content(data, ALL_TYPES)
    assert says in refused.value.message


def test_actions_inside_objects_a_byte_search_cannot_see_are_found(monkeypatch):
    """Objects in compressed object streams are read by pypdf: the walk alone refuses the script."""
    monkeypatch.setattr(
        storage, "PDF_ACTION_NAME", re.compile(rb"(?!)")
    )  # the byte search sees nothing
    with pytest.raises(UploadRefused):
        check_content(_pdf_with_script(), ALL_TYPES)


def test_ordinary_documents_pass():
    from weasyprint import HTML

    made = HTML(
        string="<h1>Declaration of the lead applicant</h1><p>Signed in Bursa.</p>"
    ).write_pdf()
    assert (
        check_content(made, ALL_TYPES) == "application/pdf"
    )  # fonts named /AAAAAA+DejaVu are no action
    assert check_content(PDF, ALL_TYPES) == "application/pdf"
    assert check_content(
        _docx(("word/media/image1.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000)), ALL_TYPES
    ).endswith("wordprocessingml.document")


def test_a_pdf_uploaded_as_docx_is_served_as_pdf(client, db, login_as, post, uploads):  # noqa: F811
    user = login_as("applicant")
    application = make_application(make_call(), lead=user.organisation)
    db.session.commit()
    assert upload(post, application, "annex", PDF, "annex_named.docx").status_code == 302
    attachment = db.session.scalars(
        select(Attachment).where(Attachment.application_id == application.id)
    ).one()
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "filename=annex_named.pdf" in response.headers["Content-Disposition"]
