"""Journey (issue 16 item 4, domain.md 4): at the administrative check staff ask the lead applicant
for a signed declaration with a deadline, and cannot decide while the request is open; the lead's
member logs in, sees the request on the application page and uploads the document; staff see the
answer and decide the check; the lead's member was told by e-mail."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grants.admissibility.presenters import MANUAL_CHECKS
from grants.models import AdmissibilityRequest, OutboxMessage, RequestStatus, StageStatus
from tests.browser.helpers import log_in, log_out
from tests.factories import PASSWORD, make_authority, make_call, make_org, make_user
from tests.factories.submission import ready_application

pytestmark = pytest.mark.browser

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
SHOTS = os.environ.get("JOURNEY_SCREENSHOTS")  # a folder: the pages are also saved there


def shot(page, name: str) -> None:
    """With JOURNEY_SCREENSHOTS set, save the page at desktop and at phone width."""
    if SHOTS:
        size = page.viewport_size
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{SHOTS}/{name}-phone.png", full_page=True)
        page.set_viewport_size(size)


def test_staff_ask_for_a_document_the_lead_uploads_it_and_staff_decide(page, live_db):
    call = make_call(reference="TTGS-2027", title="Town Twinning 2027", document_request_days=5)
    make_user("staff", email="staff@example.org")
    make_authority()
    lead = make_org("TR", name="Çankaya Belediyesi")
    make_user(organisation=lead, email="lead@cankaya.example", name="Ayşe Yılmaz", locale="tr")
    application = ready_application(lead, call=call, status="submitted", title="Twin schools")
    live_db.session.commit()
    reference, application_id = application.reference, application.id

    # staff ask for the signed declaration, with the call's default deadline
    log_in(page, "staff@example.org")
    page.get_by_role("link", name="Manage calls").click()
    page.get_by_role("link", name="TTGS-2027").first.click()
    page.get_by_role("link", name="Admissibility checks").click()
    page.get_by_role("link", name=reference).click()
    page.get_by_text("Ask the lead for a missing or defective document").click()
    page.get_by_label("Document", exact=True).select_option(
        label="Signed declaration of the lead applicant"
    )
    page.get_by_label("Message to the lead applicant").fill(
        "The declaration is signed by the deputy mayor: send it signed by the mayor."
    )
    expect(page.get_by_label("Deadline (end of the day, the call's time zone)")).not_to_have_value(
        ""
    )
    page.get_by_text("Override an automatic check").click()
    shot(page, "staff-check-forms")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("The request was sent")).to_be_visible()
    requests = page.get_by_role("table", name="Documents asked of the lead applicant")
    expect(requests).to_contain_text("Open: waiting for the lead")
    shot(page, "staff-check-open-request")

    # the decision waits while the request is open
    for item in MANUAL_CHECKS:
        page.get_by_label(str(item.label)).check()
    page.get_by_label("Admissible", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("A document request to the lead is open")
    log_out(page)

    # the lead's member, who reads Turkish, sees the request and uploads the document
    page.goto("/auth/login")
    page.get_by_label("Email address").fill("lead@cankaya.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Çıkış yap").wait_for()
    page.goto(f"/applications/{application_id}")
    alert = page.get_by_role("region", name="İstenen belge: Lider başvuru sahibinin imzalı beyanı")
    expect(alert).to_contain_text("send it signed by the mayor")
    expect(alert).to_contain_text("tarihine kadar yükleyin")
    shot(page, "lead-application-request")
    alert.get_by_role("link", name="Belgeyi yükle").click()
    page.get_by_label("Dosya").set_input_files(
        {"name": "declaration-signed.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    shot(page, "lead-answer-page")
    page.get_by_role("button", name="Belgeyi yükle").click()
    expect(page.get_by_text("declaration-signed.pdf yüklendi")).to_be_visible()
    expect(page.get_by_role("region", name="İstenen belge")).to_have_count(0)
    page.get_by_role("button", name="Çıkış yap").click()
    page.get_by_role("link", name="Log in").wait_for()

    # staff see the answer and decide
    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/admissibility")
    page.get_by_role("link", name=reference).click()
    requests = page.get_by_role("table", name="Documents asked of the lead applicant")
    expect(requests).to_contain_text("Answered")
    expect(requests.get_by_role("link", name="declaration-signed.pdf")).to_be_visible()
    for item in MANUAL_CHECKS:
        page.get_by_label(str(item.label)).check()
    page.get_by_label("Admissible", exact=True).check()
    shot(page, "staff-check-answered")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text(f"The check of {reference} was recorded")).to_be_visible()

    live_db.session.expire_all()
    request = live_db.session.scalar(select(AdmissibilityRequest))
    assert request.status is RequestStatus.answered
    assert request.attachment.original_name == "declaration-signed.pdf"
    assert application.stages[0].status is StageStatus.admissible
    told = live_db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == "lead@cankaya.example")
    ).all()
    assert any("belge talep ediliyor" in m.subject for m in told)
