"""Attachments: type by content, size limit, programs and the EICAR test file refused, random stored
names, safe download for viewers only, replace and delete while a draft."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants import files, storage
from grants.models import Attachment, AttachmentKind
from tests.factories import make_application, make_call, make_org
from tests.factories.submission import (
    EICAR,
    PDF,
    PNG,
    check_url,
    office_file,
    ready_application,
    submit,
    text,
    upload,
)


@pytest.fixture
def lead(login_as):
    return login_as("applicant")


@pytest.fixture
def application(lead, db):
    application = make_application(make_call(), lead=lead.organisation)
    db.session.commit()
    return application


def stored(db, application) -> list[Attachment]:
    db.session.expire_all()
    return db.session.scalars(
        select(Attachment)
        .where(Attachment.application_id == application.id)
        .order_by(Attachment.id)
    ).all()


def test_declaration_and_statement_make_the_application_complete(
    client, lead, post, db, uploads, application
):
    partner = application.partners[0].organisation
    assert "Upload the lead applicant's signed declaration." in text(
        client.get(check_url(application))
    )
    assert upload(post, application, "declaration", PDF, "Beyan.pdf").status_code == 302
    assert (
        upload(post, application, f"statement-{partner.id}", PDF, "statement.pdf").status_code
        == 302
    )
    declaration, statement = stored(db, application)
    assert (
        declaration.kind,
        declaration.original_name,
        declaration.content_type,
        declaration.size,
    ) == (AttachmentKind.declaration, "Beyan.pdf", "application/pdf", len(PDF))
    assert (statement.kind, statement.organisation_id) == (
        AttachmentKind.partnership_statement,
        partner.id,
    )
    assert (uploads / declaration.stored_name).read_bytes() == PDF and len(
        declaration.stored_name
    ) == 64
    assert "Everything needed is here" in text(client.get(check_url(application)))


@pytest.mark.parametrize(
    "document, data, name, message",
    [
        (
            "declaration",
            PNG,
            "declaration.pdf",
            "not an accepted type (PDF), whatever its name says",
        ),
        (
            "annex",
            b"just text, no document",
            "annex.docx",
            "not an accepted type (PDF, PNG, JPEG, DOCX, XLSX, ODT)",
        ),
        ("annex", office_file(manifest=b"<Types/>"), "sheet.xlsx", "not an accepted type"),
        ("annex", PDF.replace(b"%PDF-", b"%PDX-"), "file.pdf", "not an accepted type"),
        ("annex", PDF + EICAR, "clean.pdf", "virus signature (the EICAR test file)"),
        ("annex", EICAR, "eicar.com", "virus signature (the EICAR test file)"),
        ("annex", b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "report.pdf", "a program or a script"),
        ("annex", b"MZ\x90\x00" + b"\x00" * 40, "setup.docx", "a program or a script"),
        ("annex", b"#!/bin/sh\nrm -rf /\n", "notes.odt", "a program or a script"),
        ("annex", b"", "empty.pdf", "The selected file is empty."),
    ],
)
def test_refused_files_say_why_and_store_nothing(
    client, lead, post, db, uploads, application, document, data, name, message
):
    response = upload(post, application, document, data, name)
    assert response.status_code == 400
    assert message in text(response) and "There is a problem" in text(response)
    assert stored(db, application) == [] and not (uploads.exists() and any(uploads.iterdir()))


@pytest.mark.parametrize(
    "data, content_type",
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        (office_file(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (
            office_file(
                manifest=b"<Types><Override "
                b'ContentType="application/vnd.openxmlformats-officedocument.'
                b'spreadsheetml.sheet.main+xml"/></Types>'
            ),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            office_file(manifest=None, mimetype=b"application/vnd.oasis.opendocument.text"),
            "application/vnd.oasis.opendocument.text",
        ),
    ],
)
def test_annexes_of_every_accepted_type_named_anything(
    client, lead, post, db, uploads, application, data, content_type
):
    assert upload(post, application, "annex", data, "annex.bin").status_code == 302
    assert [a.content_type for a in stored(db, application)] == [content_type]


def test_a_file_over_the_limit_is_refused(
    client, lead, post, db, uploads, application, monkeypatch, app
):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    response = upload(post, application, "declaration", PDF + b" " * 1024, "big.pdf")
    assert response.status_code == 400 and "The file is larger than the limit of 1 kB." in text(
        response
    )
    assert stored(db, application) == []


def test_path_like_names_are_kept_for_display_only(
    client, lead, post, db, uploads, application, tmp_path
):
    assert upload(post, application, "declaration", PDF, "../../etc/passwd.pdf").status_code == 302
    assert (
        upload(post, application, "annex", PDF, "/var/www/evil\u202efdp.exe.pdf").status_code == 302
    )
    first, second = stored(db, application)
    assert (first.original_name, second.original_name) == ("passwd.pdf", "evilfdp.exe.pdf")
    assert sorted(p.name for p in uploads.iterdir()) == sorted(
        [first.stored_name, second.stored_name]
    )
    assert not (tmp_path / "etc").exists()


def test_display_names_are_cleaned_and_limited():
    assert storage.display_name("C:\\Users\\me\\Bütçe planı.xlsx") == "Bütçe planı.xlsx"
    assert storage.display_name("../..") == "attachment"
    long = storage.display_name("a" * 300 + ".pdf")
    assert len(long) == storage.NAME_LIMIT and long.endswith(".pdf")


def test_download_is_an_attachment_with_its_name_encoded(
    client, lead, post, db, uploads, application
):
    upload(post, application, "declaration", PDF, "Çankaya beyan; 2024.pdf")
    attachment = stored(db, application)[0]
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF
    disposition = response.headers["Content-Disposition"]
    assert (
        disposition.startswith("attachment;")
        and "filename*=UTF-8''%C3%87ankaya%20beyan%3B%202024.pdf" in disposition
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/pdf"


def test_a_partner_may_download_but_others_may_not(
    client, login_as, post, db, uploads, application, lead
):
    upload(post, application, "declaration", PDF, "declaration.pdf")
    attachment = stored(db, application)[0]
    login_as("applicant", organisation=application.partners[0].organisation)
    assert client.get(f"/attachments/{attachment.id}").status_code == 200
    for role, kw in [
        ("applicant", {}),
        ("evaluator", {}),
        ("applicant", {"organisation": make_org("DE", "local_authority")}),
    ]:
        login_as(role, **kw)
        assert client.get(f"/attachments/{attachment.id}").status_code == 404
        assert client.get(f"/applications/{application.id}/attachments").status_code == 404


def test_only_the_lead_may_upload_or_delete(client, login_as, post, db, uploads, application, lead):
    upload(post, application, "declaration", PDF, "declaration.pdf")
    attachment = stored(db, application)[0]
    login_as("applicant", organisation=application.partners[0].organisation)
    page = f"/applications/{application.id}/attachments"
    assert client.get(page).status_code == 200 and "Upload a document" not in text(client.get(page))
    assert upload(post, application, "annex", PDF, "annex.pdf").status_code == 404
    assert post(f"/attachments/{attachment.id}/delete", page=page).status_code == 404
    assert len(stored(db, application)) == 1


def test_a_new_declaration_replaces_the_old_one_and_its_file(
    client, lead, post, db, uploads, application
):
    upload(post, application, "declaration", PDF, "first.pdf")
    old = stored(db, application)[0].stored_name
    upload(post, application, "declaration", PDF + b"%v2", "second.pdf")
    assert [a.original_name for a in stored(db, application)] == ["second.pdf"]
    assert not (uploads / old).exists()


def test_delete_while_a_draft_removes_the_row_and_the_file(
    client, lead, post, db, uploads, application
):
    upload(post, application, "annex", PNG, "photo.png")
    attachment = stored(db, application)[0]
    page = f"/applications/{application.id}/attachments"
    response = post(f"/attachments/{attachment.id}/delete", page=page, follow_redirects=True)
    assert "photo.png was deleted." in text(response)
    assert stored(db, application) == [] and not (uploads / attachment.stored_name).exists()


def test_after_submission_files_can_be_neither_added_nor_deleted(client, lead, post, db, uploads):
    application = ready_application(lead)
    assert submit(post, application).status_code == 302
    attachment = stored(db, application)[0]
    page = f"/applications/{application.id}/attachments"
    assert post(f"/attachments/{attachment.id}/delete", page=page).status_code == 403
    assert upload(post, application, "annex", PDF, "late.pdf", page=page).status_code == 403
    assert len(stored(db, application)) == 2


def test_the_form_names_a_missing_file(client, lead, post, db, uploads, application):
    response = post(f"/applications/{application.id}/attachments", {"document": "declaration"})
    assert response.status_code == 400 and "Choose a file to upload." in text(response)


def test_stored_names_never_leave_the_upload_folder(tmp_path):
    with pytest.raises(ValueError):
        files.upload_key("../" + "a" * 61)
    with pytest.raises(ValueError):
        files.LocalStore(tmp_path).path("../" + "a" * 64)
    assert files.LocalStore(tmp_path).path(files.upload_key("a" * 64)).parent == tmp_path


def test_a_file_over_the_whole_request_limit_gets_the_same_message_on_the_page(
    client, lead, post, db, uploads, application, monkeypatch, app
):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    monkeypatch.setitem(
        app.config, "MAX_CONTENT_LENGTH", 4096
    )  # the 25 MB file against 20 MB, scaled down
    response = upload(post, application, "declaration", PDF + b" " * 8192, "huge.pdf")
    page = text(response)
    assert response.status_code == 413 and "The file is larger than the limit of 1 kB." in page
    assert (
        'id="error-summary"' in page and 'name="file"' in page
    )  # the attachments page, its form ready again
    assert stored(db, application) == []
