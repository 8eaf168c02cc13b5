"""The corrigendum e-mail names what changed precisely (issue 16, gap 2): each deadline's old and
new value, in the call's zone (the deadlines' legal time, PRAG 6.4.10: an account keeps no zone of
its own) and the recipient's language; a replaced document's name, its old and new version numbers
and files. Sent through a real SMTP server (the `smtp` fixture), in English and in Turkish."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from werkzeug.datastructures import FileStorage

from grants.calldocs import services
from tests.factories import make_application, make_org, make_user
from tests.factories.calldocs import call_on_clock, page, upload
from tests.factories.submission import PDF, office_file

ZONE = "Europe/Istanbul"


def field(moment) -> str:
    """A time as the corrigendum form's datetime-local field takes it, in the call's zone."""
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


def shown(moment, locale: str) -> str:
    """A time as the e-mail shows it: in the call's zone, in the recipient's language."""
    text = format_datetime(moment, format="medium", tzinfo=ZoneInfo(ZONE), locale=locale)
    return f"{text} ({ZONE})"


@pytest.fixture
def drafters_call(db):
    """An open restricted call in Istanbul with a drafter writing in English and one in Turkish."""
    call = call_on_clock(procedure="restricted", deadline_in=timedelta(days=40), timezone=ZONE)
    for email, locale in (("en@lead.example", "en"), ("tr@lead.example", "tr")):
        lead = make_org("TR")
        make_user(organisation=lead, email=email, locale=locale)
        make_application(call, lead=lead)
    db.session.commit()
    return call


def inbox(smtp) -> dict[str, str]:
    return {message["To"]: message.get_content() for message in smtp.messages}


def test_each_moved_deadline_is_named_with_its_old_and_new_time_in_each_language(
    client, db, login_as, post, clock, drafters_call, smtp
):
    call = drafters_call
    notes, full = call.concept_note_deadline, call.deadline
    later_notes, later_full = notes + timedelta(days=7, hours=2), full + timedelta(days=10)
    login_as("staff")
    response = post(
        f"/staff/calls/{call.id}/corrigenda",
        {
            "reason": "Both stages get more time.",
            "concept_note_deadline": field(later_notes),
            "deadline": field(later_full),
        },
    )
    assert response.status_code == 302, page(response)
    subjects = {message["To"]: message["Subject"] for message in smtp.messages}
    assert subjects == {
        "en@lead.example": f"Corrigendum 1 to {call.reference}",
        "tr@lead.example": f"{call.reference} için 1 numaralı düzeltme",
    }
    english, turkish = inbox(smtp)["en@lead.example"], inbox(smtp)["tr@lead.example"]
    assert (
        f"Concept-note deadline moved from {shown(notes, 'en')} to {shown(later_notes, 'en')}."
        in english
    )
    assert (
        f"Full-application deadline moved from {shown(full, 'en')} to {shown(later_full, 'en')}."
        in english
    )
    for old, new in ((notes, later_notes), (full, later_full)):
        assert shown(old, "tr") in turkish and shown(new, "tr") in turkish
        assert shown(old, "en") not in turkish
    assert "Ön teklif son tarihi" in turkish and "Tam başvuru son tarihi" in turkish
    assert "Both stages get more time." in turkish


def test_a_replaced_document_is_named_with_its_new_version_in_each_language(
    client, db, login_as, post, clock, drafters_call, uploads, app, smtp
):
    call = drafters_call
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
    response = post(
        f"/staff/calls/{call.id}/corrigenda",
        {
            "reason": "Section 2.1 was clarified.",
            "document": str(document.id),
            "file": upload(office_file(), "Guidelines v2.docx"),
        },
    )
    assert response.status_code == 302, page(response)
    english, turkish = inbox(smtp)["en@lead.example"], inbox(smtp)["tr@lead.example"]
    assert (
        "Replaced document: Guidelines for applicants. Its version 1 (Guidelines.pdf) is replaced "
        "by version 2 (Guidelines v2.docx)" in english
    )
    assert (
        "Değiştirilen belge: Başvuru rehberi. Sürüm 1 (Guidelines.pdf)" in turkish
        and "sürüm 2 (Guidelines v2.docx)" in turkish
    )
    assert "moved from" not in english  # no deadline moved: none is named
