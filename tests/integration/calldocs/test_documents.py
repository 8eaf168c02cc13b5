"""Call documents (issue 16 item 1, domain.md 2): staff upload them per kind and language, anyone
downloads them from the call page without logging in, each required attachment links the template it
follows."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from grants.calldocs import services
from grants.models import CallDocument, CallStatus, DocumentKind
from grants.rules.clarifications import DocumentRefused
from tests.conftest import sign_in
from tests.factories import make_application, make_user
from tests.factories.calldocs import audit_actions, call_on_clock, page, upload
from tests.factories.submission import EICAR, PDF, PNG, office_file

DOCX = office_file()


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def documents(db, call) -> list[CallDocument]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(CallDocument).where(CallDocument.call_id == call.id).order_by(CallDocument.id)
        )
    )


def send(post, call, kind="guidelines", language="en", data=PDF, name="Guidelines.pdf", title=""):
    return post(
        f"/staff/calls/{call.id}/documents",
        {"kind": kind, "language": language, "title": title, "file": upload(data, name)},
    )


def test_staff_upload_a_document_that_anyone_downloads_from_the_call_page(
    client, db, staff, post, uploads, app
):
    call = call_on_clock()
    db.session.commit()
    assert send(post, call, name="Rehber.pdf", language="tr").status_code == 302
    assert (
        send(post, call, kind="contract_template", data=DOCX, name="contract.docx").status_code
        == 302
    )
    (guidelines, contract) = documents(db, call)
    assert (guidelines.kind, guidelines.language, guidelines.original_name) == (
        DocumentKind.guidelines,
        "tr",
        "Rehber.pdf",
    )
    assert contract.content_type.endswith("wordprocessingml.document")
    assert sorted(os.listdir(uploads)) == sorted([guidelines.stored_name, contract.stored_name])
    assert audit_actions(db, call.id) == ["call_document.uploaded", "call_document.uploaded"]

    anonymous = app.test_client()  # nobody signed in
    public = page(anonymous.get(f"/calls/{call.reference}"))
    link = f"/calls/{call.reference}/documents/{guidelines.id}"
    assert link in public and "Guidelines for applicants (Turkish)" in public
    response = anonymous.get(link)
    assert response.status_code == 200 and response.data == PDF
    assert (
        "attachment" in response.headers["Content-Disposition"]
        and "Rehber.pdf" in response.headers["Content-Disposition"]
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_uploads_are_checked_as_attachments_are(db, staff, post, uploads):
    call = call_on_clock()
    db.session.commit()
    for data, name, message in [
        (PNG, "scan.pdf", "not an accepted type"),
        (EICAR, "x.pdf", "virus"),
        (b"MZ\x90\x00", "setup.pdf", "program"),
    ]:
        response = send(post, call, data=data, name=name)
        assert response.status_code == 400 and message in page(response)
    assert (
        send(post, call, kind="other", title="").status_code == 400
    )  # another document says what it is
    assert documents(db, call) == []
    assert not uploads.exists() or os.listdir(uploads) == []


def test_one_document_per_kind_and_language_and_others_by_title(db, staff, post, uploads):
    call = call_on_clock()
    db.session.commit()
    assert send(post, call).status_code == 302
    again = send(post, call)
    assert again.status_code == 400 and "replace it instead" in page(again)
    assert send(post, call, language="tr").status_code == 302
    assert send(post, call, kind="other", title="Budget form").status_code == 302
    assert send(post, call, kind="other", title="Logical framework").status_code == 302
    assert [(d.kind.value, d.language, d.title) for d in documents(db, call)] == [
        ("guidelines", "en", ""),
        ("guidelines", "tr", ""),
        ("other", "en", "Budget form"),
        ("other", "en", "Logical framework"),
    ]


def test_a_draft_calls_documents_are_replaced_and_removed_freely(
    client, db, staff, post, uploads, app
):
    call = call_on_clock(status="draft")
    db.session.commit()
    send(post, call)
    (document,) = documents(db, call)
    old = document.stored_name
    page_url = f"/staff/calls/{call.id}/documents"
    replaced = post(
        f"/staff/call-documents/{document.id}/replace",
        {f"doc{document.id}-file": upload(DOCX, "Guidelines v2.docx")},
        page=page_url,
    )
    assert replaced.status_code == 302
    (document,) = documents(db, call)
    assert (document.version, document.original_name, document.stored_name != old) == (
        2,
        "Guidelines v2.docx",
        True,
    )
    (earlier,) = document.versions  # the replaced file is kept as version 1, listed for staff
    assert (earlier.version, earlier.original_name, earlier.stored_name) == (
        1,
        "Guidelines.pdf",
        old,
    )
    assert sorted(os.listdir(uploads)) == sorted([document.stored_name, old])
    staff_page = page(client.get(page_url))
    assert "Current version 2" in staff_page and "Earlier versions, kept:" in staff_page
    old_link = f"/calls/{call.reference}/documents/{document.id}/versions/1"
    assert f'href="{old_link}"' in staff_page
    assert client.get(old_link).data == PDF  # staff download any version
    call.status = CallStatus.published
    db.session.commit()
    # a version replaced before publication was never published: not for the public
    assert app.test_client().get(old_link).status_code == 404
    assert "Superseded:" not in page(app.test_client().get(f"/calls/{call.reference}"))
    call.status = CallStatus.draft
    db.session.commit()
    assert post(f"/staff/call-documents/{document.id}/remove", page=page_url).status_code == 302
    assert documents(db, call) == [] and os.listdir(uploads) == []
    assert audit_actions(db, call.id) == [
        "call_document.uploaded",
        "call_document.replaced",
        "call_document.removed",
    ]


def test_a_published_document_changes_only_by_a_corrigendum(client, db, staff, post, uploads):
    call = call_on_clock()
    db.session.commit()
    send(post, call)
    (document,) = documents(db, call)
    page_url = f"/staff/calls/{call.id}/documents"
    for action, data in [
        ("replace", {f"doc{document.id}-file": upload(DOCX, "v2.docx")}),
        ("remove", {}),
    ]:
        response = post(
            f"/staff/call-documents/{document.id}/{action}",
            data,
            page=page_url,
            headers={"Referer": f"http://localhost{page_url}"},
            follow_redirects=True,
        )
        assert "only by a corrigendum" in page(response)
    (kept,) = documents(db, call)
    assert (kept.version, kept.stored_name) == (1, document.stored_name)
    with pytest.raises(DocumentRefused):
        services.remove_document(kept)


def test_no_document_is_added_once_the_call_is_in_evaluation(db, staff, post, uploads):
    call = call_on_clock(status="evaluation")
    db.session.commit()
    response = send(post, call)
    assert response.status_code == 400 and "draft or published" in page(response)


def test_a_draft_calls_documents_are_not_public(client, db, uploads, app):
    call = call_on_clock(status="draft")
    other = call_on_clock()
    user = make_user("staff")
    with app.test_request_context():
        document = services.upload_document(call, "guidelines", "en", "", _file(PDF), user)
    db.session.commit()
    assert client.get(f"/calls/{call.reference}/documents/{document.id}").status_code == 404
    sign_in(client, user)
    assert (
        client.get(f"/calls/{call.reference}/documents/{document.id}").status_code == 200
    )  # staff see drafts
    anonymous = app.test_client()
    call.status = CallStatus.published
    db.session.commit()
    assert anonymous.get(f"/calls/{call.reference}/documents/{document.id}").status_code == 200
    assert (
        anonymous.get(f"/calls/{other.reference}/documents/{document.id}").status_code == 404
    )  # not its call


def _file(data: bytes, name: str = "Guidelines.pdf"):
    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=upload(data, name)[0], filename=name)


def test_each_required_attachment_links_the_template_it_follows(client, db, login_as, uploads, app):
    call = call_on_clock()
    staff = make_user("staff")
    with app.test_request_context():
        declaration_en = services.upload_document(
            call, "declaration_template", "en", "", _file(PDF, "decl.pdf"), staff
        )
        declaration_tr = services.upload_document(
            call, "declaration_template", "tr", "", _file(PDF, "beyan.pdf"), staff
        )
        statement = services.upload_document(
            call, "partnership_statement_template", "en", "", _file(PDF), staff
        )
    lead = login_as("applicant")
    application = make_application(call, lead=lead.organisation)
    db.session.commit()
    html = page(client.get(f"/applications/{application.id}/attachments"))
    declaration_row = html.split("Signed declaration of the lead applicant")[1].split("</th>")[0]
    assert "Follows the template:" in declaration_row
    assert declaration_row.index(f"/documents/{declaration_en.id}") < declaration_row.index(
        f"/documents/{declaration_tr.id}"
    )  # the reader's language first
    statement_row = html.split("Partnership statement of")[1].split("</th>")[0]
    assert (
        f"/documents/{statement.id}" in statement_row
        and f"/documents/{declaration_en.id}" not in statement_row
    )
