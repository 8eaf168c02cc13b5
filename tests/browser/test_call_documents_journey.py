"""Journey (issue 16 items 1-3): staff upload the declaration template of an open call; an applicant
with a draft downloads it from the public call page without logging in, then logs in and asks a
question; staff publish the answer (the question reworded, anonymous), a corrigendum that moves
the deadline later and one that replaces the template; the applicant reads the answer on the call's
questions and answers and the corrigenda on the call page, where the replaced template is kept as a
superseded version, and was told by e-mail.

Then (issue 16 item 8) a call whose decisions are final: anyone reads its awarded grants on its page
and on its results page, on a desktop screen and on a phone, in English and Turkish."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grants.models import OutboxMessage
from grants.models.base import now_utc
from tests.browser.helpers import _sideways, _widest, log_in, log_out
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories.awards import decided_call

pytestmark = pytest.mark.browser

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)

PDF_V2 = PDF.replace(b"%%EOF", b"% the lot is named\n%%EOF")


def test_staff_publish_documents_answers_and_a_corrigendum_that_an_applicant_reads(page, live_db):
    call = make_call(
        reference="TTGS-2027", title="Town Twinning 2027", deadline_in=timedelta(days=45)
    )
    make_user("staff", email="staff@example.org")
    lead = make_org("TR", name="Çankaya Belediyesi")
    make_user(organisation=lead, email="lead@cankaya.example", name="Ayşe Yılmaz")
    make_application(call, lead=lead)
    live_db.session.commit()
    later = (call.deadline + timedelta(days=14)).astimezone(ZoneInfo(call.timezone))

    # staff upload the declaration template
    log_in(page, "staff@example.org")
    page.get_by_role("link", name="Manage calls").click()
    page.get_by_role("link", name="TTGS-2027").first.click()
    page.get_by_role("link", name="Call documents").click()
    page.get_by_label("Document", exact=True).select_option(
        label="Template of the lead applicant's declaration"
    )
    page.get_by_label("Language").select_option(label="English")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "declaration-template.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="declaration-template.pdf")).to_be_visible()
    log_out(page)

    # anyone downloads it from the call page, without logging in
    page.goto("/calls/TTGS-2027")
    documents = page.get_by_role("region", name="Call documents")
    with page.expect_download() as download:
        documents.get_by_role(
            "link", name="Template of the lead applicant's declaration (English)"
        ).click()
    assert download.value.suggested_filename == "declaration-template.pdf"

    # the applicant asks a question
    log_in(page, "lead@cankaya.example")
    page.goto("/calls/TTGS-2027")
    page.get_by_role("link", name="Read the questions and answers").click()
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Your question").fill(
        "Çankaya Belediyesi here: may a metropolitan district lead?"
    )
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text(
        "Your question was sent"
    )
    expect(page.get_by_text("No answer has been published yet.")).to_be_visible()
    log_out(page)

    # staff answer it for everyone, and publish a corrigendum
    log_in(page, "staff@example.org")
    page.get_by_role("link", name="Manage calls").click()
    page.get_by_role("link", name="TTGS-2027").first.click()
    page.get_by_role("link", name="Questions and answers").click()
    expect(
        page.get_by_text("Çankaya Belediyesi here: may a metropolitan district lead?")
    ).to_be_visible()
    page.get_by_role("link", name="Answer question 1").click()
    page.get_by_label("Question as published").fill(
        "May a metropolitan district municipality lead?"
    )
    page.get_by_label("Answer", exact=True).fill("Yes: section 2.1.1 of the guidelines lists it.")
    page.get_by_role("button", name="Publish the answer").click()
    expect(page.get_by_text("1 applicant was told by e-mail.")).to_be_visible()
    page.get_by_role("link", name="Back to the call").click()
    page.get_by_role("link", name="Corrigenda").click()
    page.get_by_label("Reason for the corrigendum").fill(
        "Two more weeks, as annex B was corrected."
    )
    page.get_by_label("New full-application deadline").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Publish the corrigendum").click()
    expect(page.get_by_text("Corrigendum 1 is published on the call page.")).to_be_visible()
    # ... and one that replaces the declaration template
    page.get_by_label("Reason for the corrigendum").fill("The declaration now names the lot.")
    page.get_by_label("Document to replace").select_option(
        label="Template of the lead applicant's declaration (English)"
    )
    page.get_by_label("New file of the document").set_input_files(
        {"name": "declaration-template-v2.pdf", "mimeType": "application/pdf", "buffer": PDF_V2}
    )
    page.get_by_role("button", name="Publish the corrigendum").click()
    expect(page.get_by_text("Corrigendum 2 is published on the call page.")).to_be_visible()
    page.get_by_role("link", name="Back to the call").click()
    page.get_by_role("link", name="Call documents").click()
    expect(page.get_by_text("Current version 2")).to_be_visible()
    expect(page.get_by_role("link", name="Version 1: declaration-template.pdf")).to_be_visible()
    page.screenshot(path="/tmp/journey-staff-documents.png", full_page=True)
    log_out(page)

    # the applicant reads the answer and the corrigendum
    log_in(page, "lead@cankaya.example")
    page.goto("/calls/TTGS-2027/questions")
    answer = page.get_by_role(
        "region", name="Question 1: May a metropolitan district municipality lead?"
    )
    expect(answer).to_contain_text("section 2.1.1")
    expect(page.get_by_role("main")).not_to_contain_text("Çankaya Belediyesi here")  # anonymous
    page.get_by_role("link", name="Back to the call").click()
    corrigenda = page.get_by_role("region", name="Corrigenda")
    expect(corrigenda).to_contain_text("Two more weeks, as annex B was corrected.")
    expect(corrigenda).to_contain_text("Full-application deadline moved from")
    expect(corrigenda).to_contain_text(later.strftime("%Y"))
    expect(corrigenda).to_contain_text("The declaration now names the lot.")
    documents = page.get_by_role("region", name="Call documents")
    expect(documents).to_contain_text("Current version 2 of")
    with page.expect_download() as current:
        documents.get_by_role(
            "link", name="Template of the lead applicant's declaration (English)"
        ).click()
    assert current.value.suggested_filename == "declaration-template-v2.pdf"
    with page.expect_download() as superseded:
        documents.get_by_role("link", name="version 1 of").click()
    assert superseded.value.suggested_filename == "declaration-template.pdf"
    assert superseded.value.path().read_bytes() == PDF
    page.screenshot(path="/tmp/journey-call-documents.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert _sideways(page) <= 0, _widest(page)
    page.screenshot(path="/tmp/journey-call-documents-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    live_db.session.expire_all()
    told = live_db.session.scalars(
        select(OutboxMessage.subject)
        .where(OutboxMessage.to == "lead@cankaya.example")
        .order_by(OutboxMessage.id)
    ).all()
    assert told == [
        "A clarification was published for TTGS-2027",
        "Corrigendum 1 to TTGS-2027",
        "Corrigendum 2 to TTGS-2027",
    ]
    assert now_utc() < later


@pytest.mark.parametrize("locale", ["en", "tr"])
def test_anyone_reads_the_awarded_grants_of_a_decided_call(page, live_db, locale):
    decided_call(
        live_db.session,
        title="Yeşil ikiz kentler: {lead} ile iklim eylem planlarının ortak hazırlanması",
    )
    if locale == "tr":
        page.goto("/")
        page.get_by_role("button", name="Türkçe").click()
        expect(page.locator("html")).to_have_attribute("lang", "tr")
    page.goto("/calls/TTGS-2025")
    results = page.get_by_role("region", name="Sonuçlar" if locale == "tr" else "Results")
    expect(results).to_contain_text("Nilüfer Belediyesi")
    expect(results).to_contain_text("Stadt Esslingen am Neckar")
    expect(results).to_contain_text("€125.000,50" if locale == "tr" else "€125,000.50")
    expect(page.get_by_role("main")).not_to_contain_text("Reserve-list project")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=f"/tmp/results-call-desktop-{locale}.png", full_page=True)
    results.get_by_role("link").last.click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Two towns prepare their climate action plans together.")
    expect(table).to_contain_text("Cumhuriyet Cd. 12, Ankara")
    page.screenshot(path=f"/tmp/results-desktop-{locale}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert _sideways(page) <= 0, _widest(page)
    page.screenshot(path=f"/tmp/results-phone-{locale}.png", full_page=True)
    page.goto("/calls/TTGS-2025")
    assert _sideways(page) <= 0, _widest(page)
