"""Corrigenda (issue 16 item 3, domain.md 2): staff publish a change to an open call with its date
and reason: a later deadline (through the call settings service: never earlier) and/or a replaced
document; it shows on the call page and everyone with a draft is told."""

from __future__ import annotations

import os
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from grants.calldocs import services
from grants.calldocs.queries import windows
from grants.models import Application, CallDocumentVersion, Corrigendum, MessageLog
from grants.rules.clarifications import CorrigendumRefused
from tests.factories import make_application, make_org, make_user
from tests.factories.calldocs import NOW, audit_actions, call_on_clock, mails, page, upload
from tests.factories.submission import PDF, office_file


def local(moment) -> str:
    return moment.astimezone(ZoneInfo("Europe/Istanbul")).strftime("%Y-%m-%dT%H:%M")


def corrigenda(db, call) -> list[Corrigendum]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Corrigendum).where(Corrigendum.call_id == call.id).order_by(Corrigendum.number)
        )
    )


@pytest.fixture
def open_call(db):
    call = call_on_clock()
    lead = make_org("TR")
    make_user(organisation=lead, email="drafter@lead.example", locale="tr")
    make_application(call, lead=lead)
    db.session.commit()
    return call


def test_a_later_deadline_is_published_with_its_reason_on_the_call_page_and_told(
    client, db, login_as, post, clock, open_call, app
):
    call = open_call
    old = call.deadline
    before = windows(call)
    login_as("staff")
    later = old + timedelta(days=14)
    response = post(
        f"/staff/calls/{call.id}/corrigenda",
        {"reason": "The guidelines' annex B was corrected.", "deadline": local(later)},
    )
    assert response.status_code == 302, page(response)
    (corrigendum,) = corrigenda(db, call)
    assert (
        corrigendum.number,
        corrigendum.published_at,
        corrigendum.old_deadline,
        corrigendum.new_deadline,
    ) == (1, NOW, old, later)
    db.session.refresh(call)
    assert call.deadline == later
    assert windows(call).questions_close == before.questions_close + timedelta(
        days=14
    )  # the windows follow
    assert audit_actions(db, call.id) == ["call.updated", "corrigendum.published"]

    anonymous = app.test_client()  # nobody signed in
    public = page(anonymous.get(f"/calls/{call.reference}"))
    assert "Corrigendum 1 of" in public and "annex B was corrected" in public
    assert "Full-application deadline moved from" in public
    (told,) = mails(db)
    assert told.to == "drafter@lead.example" and "annex B was corrected" in told.body
    assert "Corrigendum 1" not in told.subject  # in Turkish, the drafter's language
    (draft,) = db.session.scalars(select(Application).where(Application.call_id == call.id))
    logged = db.session.execute(
        select(MessageLog.application_id, MessageLog.kind, MessageLog.recipient, MessageLog.locale)
    ).all()
    assert logged == [(draft.id, "calldocs_corrigendum", "drafter@lead.example", "tr")]


def test_a_deadline_never_moves_earlier_once_the_call_is_open(
    client, db, login_as, post, clock, open_call
):
    call = open_call
    old = call.deadline
    login_as("staff")
    response = post(
        f"/staff/calls/{call.id}/corrigenda",
        {"reason": "Sooner.", "deadline": local(old - timedelta(days=1))},
    )
    assert response.status_code == 400 and "never earlier" in page(response)
    db.session.refresh(call)
    assert call.deadline == old and corrigenda(db, call) == [] and mails(db) == []


def test_a_corrigendum_needs_an_open_call_a_reason_and_a_change(db, clock, open_call, uploads):
    call = open_call
    staff = make_user("staff")
    with pytest.raises(CorrigendumRefused) as no_reason:
        services.publish_corrigendum(
            call, " ", {"deadline": call.deadline + timedelta(days=1)}, None, None, staff, NOW
        )
    assert [i.field for i in no_reason.value.issues] == ["reason"]
    with pytest.raises(CorrigendumRefused):
        services.publish_corrigendum(call, "Nothing changes.", {}, None, None, staff, NOW)
    with pytest.raises(CorrigendumRefused):  # the call is closed for submissions: no corrigendum
        services.publish_corrigendum(
            call,
            "Too late.",
            {"deadline": call.deadline + timedelta(days=1)},
            None,
            None,
            staff,
            call.deadline,
        )
    draft = call_on_clock(status="draft")
    with pytest.raises(CorrigendumRefused):
        services.publish_corrigendum(
            draft,
            "Not published.",
            {"deadline": draft.deadline + timedelta(days=1)},
            None,
            None,
            staff,
            NOW,
        )


def test_a_passed_concept_note_deadline_cannot_move(db, uploads):
    call = call_on_clock(procedure="restricted", deadline_in=timedelta(days=40))
    now = call.concept_note_deadline + timedelta(hours=1)
    with pytest.raises(CorrigendumRefused) as refused:
        services.publish_corrigendum(
            call,
            "Reopen concept notes.",
            {"concept_note_deadline": call.concept_note_deadline + timedelta(days=3)},
            None,
            None,
            make_user("staff"),
            now,
        )
    assert [i.field for i in refused.value.issues] == ["concept_note_deadline"]


def test_a_corrigendum_replaces_a_published_document(
    client, db, login_as, post, clock, open_call, uploads, app
):
    call = open_call
    staff = login_as("staff")
    with app.test_request_context():
        document = services.upload_document(
            call,
            "guidelines",
            "en",
            "",
            FileStorage(stream=upload(PDF, "Guidelines.pdf")[0], filename="Guidelines.pdf"),
            staff,
        )
    db.session.commit()
    old_file = document.stored_name
    response = post(
        f"/staff/calls/{call.id}/corrigenda",
        {
            "reason": "Section 2.1 of the guidelines was clarified.",
            "document": str(document.id),
            "file": upload(office_file(), "Guidelines v2.docx"),
        },
    )
    assert response.status_code == 302
    (corrigendum,) = corrigenda(db, call)
    db.session.refresh(document)
    assert (corrigendum.document_id, corrigendum.document_name, corrigendum.new_deadline) == (
        document.id,
        "Guidelines.pdf",
        None,
    )
    assert (document.version, document.original_name) == (2, "Guidelines v2.docx")
    (earlier,) = document.versions  # the replaced file is kept, as version 1
    assert (earlier.version, earlier.original_name, earlier.stored_name) == (
        1,
        "Guidelines.pdf",
        old_file,
    )
    assert (earlier.superseded_at, earlier.superseded_by_id) == (NOW, staff.id)
    assert corrigendum.replaced_version_id == earlier.id  # the corrigendum names what it replaced
    assert sorted(os.listdir(uploads)) == sorted([document.stored_name, old_file])
    assert audit_actions(db, call.id)[-2:] == ["call_document.replaced", "corrigendum.published"]
    public = page(client.get(f"/calls/{call.reference}"))
    assert "Replaced document:" in public and f"/documents/{document.id}" in public
    old_link = f"/calls/{call.reference}/documents/{document.id}/versions/1"
    assert "Version replaced:" in public and "version 1, Guidelines.pdf" in public
    assert "Current version 2 of" in public and "Superseded:" in public
    assert public.count(f'href="{old_link}"') == 2  # in the corrigendum and under the document
    anonymous = app.test_client()  # nobody signed in
    downloaded = anonymous.get(old_link)
    assert downloaded.status_code == 200 and downloaded.data == PDF
    current = f"/calls/{call.reference}/documents/{document.id}/versions/2"
    assert anonymous.get(current).status_code == 404  # the current version is the document


def test_a_document_to_replace_needs_its_new_file(
    client, db, login_as, post, clock, open_call, uploads, app
):
    call = open_call
    staff = login_as("staff")
    with app.test_request_context():
        document = services.upload_document(
            call,
            "guidelines",
            "en",
            "",
            FileStorage(stream=upload(PDF, "G.pdf")[0], filename="G.pdf"),
            staff,
        )
    db.session.commit()
    response = post(
        f"/staff/calls/{call.id}/corrigenda",
        {"reason": "New guidelines.", "document": str(document.id)},
    )
    assert response.status_code == 400 and "Choose the new file of the document." in page(response)
    assert corrigenda(db, call) == []


def test_the_call_page_reads_its_documents_and_corrigenda_in_constant_queries(
    client, db, uploads, app
):
    from tests.conftest import count_queries

    def publications(n: int):
        call = call_on_clock()
        staff = make_user("staff")
        with app.test_request_context():
            for i in range(n):
                document = services.upload_document(
                    call,
                    "other",
                    "en",
                    f"Annex {i}",
                    FileStorage(stream=upload(PDF, "a.pdf")[0], filename="a.pdf"),
                    staff,
                )
                earlier = CallDocumentVersion(
                    version=1,
                    original_name="old.pdf",
                    stored_name=f"old-{call.id}-{i}",
                    content_type="application/pdf",
                    size=10,
                    uploaded_at=NOW - timedelta(days=2),
                    superseded_at=NOW,
                    superseded_by_id=staff.id,
                    uploaded_by_id=staff.id,
                )
                document.versions.append(earlier)
                document.version = 2
                db.session.flush()
                db.session.add(
                    Corrigendum(
                        call_id=call.id,
                        number=i + 1,
                        reason=f"Change {i}",
                        published_at=NOW,
                        document_id=document.id,
                        document_name="old.pdf",
                        replaced_version_id=earlier.id,
                    )
                )
        db.session.commit()
        with count_queries(db.engine) as statements:
            html = page(client.get(f"/calls/{call.reference}"))
        assert f"Change {n - 1}" in html and html.count("Superseded:") == n
        return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))

    assert publications(1) == publications(6)


@pytest.fixture
def restricted(db):
    """An open restricted call: its concept-note deadline 20 days ahead, its full-application
    deadline 40; a drafter writing in English and one writing in Turkish."""
    call = call_on_clock(procedure="restricted", deadline_in=timedelta(days=40))
    for email, locale in (("en@lead.example", "en"), ("tr@lead.example", "tr")):
        lead = make_org("TR")
        make_user(organisation=lead, email=email, locale=locale)
        make_application(call, lead=lead)
    db.session.commit()
    return call


def test_every_deadline_of_a_restricted_call_moves_later_and_each_drafter_is_told_in_their_language(
    client, db, login_as, post, clock, restricted, app
):
    call = restricted
    notes, full = call.concept_note_deadline, call.deadline
    login_as("staff")
    response = post(
        f"/staff/calls/{call.id}/corrigenda",
        {
            "reason": "Both stages get a week more.",
            "concept_note_deadline": local(notes + timedelta(days=7)),
            "deadline": local(full + timedelta(days=7)),
        },
    )
    assert response.status_code == 302, page(response)
    (corrigendum,) = corrigenda(db, call)
    assert corrigendum.moved() == [
        ("concept_note_deadline", notes, notes + timedelta(days=7)),
        ("deadline", full, full + timedelta(days=7)),
    ]
    db.session.refresh(call)
    assert (call.concept_note_deadline, call.deadline) == (
        notes + timedelta(days=7),
        full + timedelta(days=7),
    )
    public = page(app.test_client().get(f"/calls/{call.reference}"))
    assert "Concept-note deadline moved from" in public
    assert "Full-application deadline moved from" in public
    told = {m.to: m for m in mails(db)}
    assert set(told) == {"en@lead.example", "tr@lead.example"}
    english, turkish = told["en@lead.example"], told["tr@lead.example"]
    assert english.subject == f"Corrigendum 1 to {call.reference}"
    assert "Concept-note deadline moved from" in english.body
    assert turkish.subject == f"{call.reference} için 1 numaralı düzeltme"
    assert "Ön teklif son tarihi" in turkish.body and "Both stages get a week more." in turkish.body


@pytest.mark.parametrize("name", ["concept_note_deadline", "deadline"])
def test_no_deadline_of_an_open_call_moves_earlier(
    client, db, login_as, post, clock, restricted, name
):
    call = restricted
    before = (call.concept_note_deadline, call.deadline)
    login_as("staff")
    response = post(
        f"/staff/calls/{call.id}/corrigenda",
        {"reason": "Sooner.", name: local(getattr(call, name) - timedelta(days=1))},
    )
    assert response.status_code == 400 and "never earlier" in page(response)
    db.session.refresh(call)
    assert (call.concept_note_deadline, call.deadline) == before
    assert corrigenda(db, call) == [] and mails(db) == []


def test_the_full_application_deadline_still_moves_after_the_concept_notes_closed(db, restricted):
    call = restricted
    now = call.concept_note_deadline + timedelta(days=1)  # shortlisted leads are writing
    later = call.deadline + timedelta(days=5)
    corrigendum = services.publish_corrigendum(
        call, "More time to write.", {"deadline": later}, None, None, make_user("staff"), now
    )
    assert corrigendum.moved() == [("deadline", call.deadline - timedelta(days=5), later)]
    assert call.deadline == later
