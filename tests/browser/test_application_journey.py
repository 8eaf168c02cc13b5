"""Journey: a Turkish municipality finds an EU partner, drafts a joint application, the partner
confirms, the lead attaches the signed documents, checks and submits, and sees its reference; a late
submission is refused by the server's clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from grants.models import AttachmentKind
from grants.models.base import now_utc
from tests.browser.helpers import log_in, log_out
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories.submission import attach

pytestmark = pytest.mark.browser

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _draft_project(page: Page) -> None:
    page.get_by_role("link", name="Project", exact=True).click()
    page.get_by_label("Project title").fill("Green twin towns")
    page.get_by_label("Acronym").fill("GTT")
    page.get_by_label("Theme").select_option("Environment")
    page.get_by_label("Summary", exact=True).fill(
        "Çankaya and Würzburg share their climate action plans."
    )
    page.get_by_label("Objectives").fill("Two adopted climate action plans.")
    page.get_by_label("Activities").fill("Study visits and joint workshops.")
    page.get_by_label("Expected results").fill("Plans adopted by both councils.")
    page.get_by_label("Start month").fill("3")
    page.get_by_label("Duration (months)").fill("24")
    page.get_by_role("button", name="Save and continue").click()


def _invite_partner(page: Page) -> None:
    page.get_by_role("link", name="Partnership", exact=True).click()
    page.get_by_role("main").get_by_role("link", name="Find a partner").click()
    page.get_by_label("Name, region or description contains").fill("Würzburg")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Stadt Würzburg").click()
    page.get_by_role("link", name="Invite as partner to my application GTT").click()
    page.get_by_label("Role in the project").fill(
        "Hosts the study visits and shares its climate plan."
    )
    page.get_by_role("button", name="Propose as partner").click()
    expect(page.get_by_role("heading", name="Stadt Würzburg")).to_be_visible()


def _budget(page: Page, grant: str) -> None:
    page.get_by_label("Line 1 – Heading", exact=True).select_option(label="1 Human resources")
    page.get_by_label("Line 1 – Description", exact=True).fill("Project coordinator")
    page.get_by_label("Line 1 – Unit", exact=True).fill("month")
    page.get_by_label("Line 1 – Quantity", exact=True).fill("12")
    page.get_by_label("Line 1 – Unit cost", exact=True).fill("5000")
    page.get_by_label("Line 1 – Incurred by", exact=True).select_option(label="Çankaya Belediyesi")
    page.get_by_role("button", name="Add a line").click()
    page.get_by_label("Line 2 – Heading", exact=True).select_option(label="2 Travel")
    page.get_by_label("Line 2 – Description", exact=True).fill("Study visits")
    page.get_by_label("Line 2 – Unit", exact=True).fill("trip")
    page.get_by_label("Line 2 – Quantity", exact=True).fill("4")
    page.get_by_label("Line 2 – Unit cost", exact=True).fill("10000")
    page.get_by_label("Line 2 – Incurred by", exact=True).select_option(label="Stadt Würzburg")
    page.get_by_label("Indirect costs").fill("7000")
    page.get_by_label("Requested grant").fill(grant)
    page.get_by_role("button", name="Save as draft").click()


@pytest.fixture
def uploads(live_app, tmp_path, monkeypatch):
    monkeypatch.setitem(live_app.config, "UPLOAD_DIR", str(tmp_path / "files"))


def test_a_municipality_drafts_and_submits_a_joint_application(page: Page, live_db, uploads):
    make_call(reference="TTGS-2018", title="Town Twinning 2018", themes=["Environment", "Culture"])
    lead_org = make_org("TR", name="Çankaya Belediyesi")
    partner_org = make_org(
        "DE",
        "local_authority",
        name="Stadt Würzburg",
        region="Unterfranken",
        seeking_partner=True,
        partner_themes=["Environment"],
        partner_description="We look for a Turkish town to share climate plans with.",
    )
    make_user(organisation=lead_org, email="lead@cankaya.bel.tr", name="Ayşe Yılmaz")
    make_user(organisation=partner_org, email="partner@wuerzburg.de", name="Jonas Weber")
    live_db.session.commit()

    log_in(page, "lead@cankaya.bel.tr")
    page.get_by_role("link", name="My applications").click()
    page.get_by_role("button", name="Start an application").click()
    _draft_project(page)
    _invite_partner(page)

    page.get_by_role("link", name="Back to the application").click()
    page.get_by_role("link", name="Budget", exact=True).click()
    _budget(page, "140000")
    expect(
        page.get_by_text("above the maximum of €130,000.00").first
    ).to_be_visible()  # the call's cap, named
    page.get_by_label("Requested grant").fill("90000")
    page.get_by_role("button", name="Save and continue").click()
    log_out(page)

    log_in(page, "partner@wuerzburg.de")
    page.goto("/partners/invitations")
    page.get_by_role("link", name="Green twin towns (GTT)").click()
    page.get_by_role("button", name="Confirm our participation").click()
    log_out(page)

    log_in(page, "lead@cankaya.bel.tr")
    page.get_by_role("link", name="My applications").click()
    page.get_by_role("link", name="Green twin towns").click()
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Upload the lead applicant's signed declaration."
    )
    page.get_by_role("link", name="Upload the partnership statement of Stadt Würzburg.").click()
    page.get_by_label("Document").select_option(
        label="Signed declaration of the lead applicant (PDF)"
    )
    page.get_by_label("File", exact=True).set_input_files(_pdf("Beyanname Çankaya.pdf"))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("Beyanname Çankaya.pdf was uploaded.")
    page.get_by_label("Document").select_option(
        label="Partnership statement of Stadt Würzburg (PDF)"
    )
    page.get_by_label("File", exact=True).set_input_files(_pdf("Partnerschaftserklärung.pdf"))
    page.get_by_role("button", name="Upload").click()

    page.get_by_role("link", name="Check your answers and submit").click()
    expect(page.get_by_text("Everything needed is here")).to_be_visible()
    expect(page.get_by_role("row", name="Stadt Würzburg DE")).to_contain_text("Confirmed")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_role("heading", name="Application submitted")).to_be_visible()
    expect(page.get_by_text("TTGS-2018-0001")).to_be_visible()
    expect(page.get_by_role("link", name="Download the receipt (PDF)")).to_be_visible()


def test_a_submission_after_the_deadline_is_refused(page: Page, live_db):
    call = make_call(reference="TTGS-LATE", title="Town Twinning late")
    lead_org = make_org("TR", name="Keçiören Belediyesi")
    application = make_application(call, lead=lead_org, title="Late twin towns")
    attach(application, AttachmentKind.declaration)
    attach(
        application, AttachmentKind.partnership_statement, application.partners[0].organisation_id
    )
    make_user(organisation=lead_org, email="lead@kecioren.bel.tr")
    live_db.session.commit()

    log_in(page, "lead@kecioren.bel.tr")
    page.goto(f"/applications/{application.id}/check")
    expect(page.get_by_role("button", name="Submit the application")).to_be_visible()

    call.opens_at, call.deadline = now_utc() - timedelta(days=30), now_utc() - timedelta(seconds=1)
    live_db.session.commit()  # the deadline passes while the page is open
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_role("alert")).to_contain_text("Your application was not submitted")
    expect(page.get_by_role("alert")).to_contain_text(
        "has passed: applications are no longer accepted"
    )
    page.goto(f"/applications/{application.id}")
    expect(page.get_by_text("TTGS-LATE-0001")).to_have_count(0)
