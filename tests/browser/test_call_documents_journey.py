"""Journey (issue 16 items 1-3): staff upload the declaration template of an open call; an applicant
with a draft downloads it from the public call page without logging in, then logs in and asks a
question; staff publish the answer (the question reworded, anonymous) and a corrigendum that moves
the deadline later; the applicant reads the answer on the call's questions and answers and the
corrigendum on the call page, and was told by e-mail."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grants.models import OutboxMessage
from grants.models.base import now_utc
from tests.browser.helpers import log_in, log_out
from tests.factories import make_application, make_call, make_org, make_user

pytestmark = pytest.mark.browser

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


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

    live_db.session.expire_all()
    told = live_db.session.scalars(
        select(OutboxMessage.subject)
        .where(OutboxMessage.to == "lead@cankaya.example")
        .order_by(OutboxMessage.id)
    ).all()
    assert told == ["A clarification was published for TTGS-2027", "Corrigendum 1 to TTGS-2027"]
    assert now_utc() < later
