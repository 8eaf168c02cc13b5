"""Journey: in a restricted call whose concept note was shortlisted, staff invite the shortlisted
lead to submit a full application; the lead sees the invitation and its deadline, revises the
project and the budget, the partner confirms the new budget, and the full application is submitted
with the concept note's reference."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from grants.models import AttachmentKind, Call, Stage
from grants.models.base import now_utc
from tests.browser.helpers import log_in, log_out
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories.submission import attach

pytestmark = pytest.mark.browser


def _shortlisted_concept_note(live_db) -> Call:
    call = make_call(
        reference="TTGS-R",
        title="Town Twinning restricted",
        procedure="restricted",
        status="evaluation",
        opens_in=timedelta(days=-40),
        deadline_in=timedelta(days=20),
    )
    call.concept_note_deadline = now_utc() - timedelta(days=10)
    lead = make_org("TR", name="Çankaya Belediyesi")
    partner = make_org("DE", "local_authority", name="Stadt Würzburg", region="Unterfranken")
    application = make_application(
        call,
        lead=lead,
        partners=[partner],
        status="shortlisted",
        title="Green twin towns",
        acronym="GTT",
    )
    application.stages[0].stage, application.stages[0].rank = Stage.concept_note, 1
    attach(application, AttachmentKind.declaration)
    attach(application, AttachmentKind.partnership_statement, partner.id)
    make_user(organisation=lead, email="lead@cankaya.bel.tr", name="Ayşe Yılmaz")
    make_user(organisation=partner, email="partner@wuerzburg.de", name="Jonas Weber")
    make_user("staff", email="staff@example.org", name="Selin Staff")
    live_db.session.commit()
    return call


def test_staff_invite_the_shortlisted_lead_who_submits_the_full_application(page: Page, live_db):
    call = _shortlisted_concept_note(live_db)

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}")
    page.get_by_role("link", name="Ranking and award decisions").click()
    expect(page.get_by_role("region", name="Full applications")).to_contain_text(
        "Concept notes shortlisted: 1"
    )
    page.get_by_role(
        "link", name="Invite the shortlisted applicants to submit a full application"
    ).click()
    expect(
        page.get_by_role("table", name="Shortlisted applicants who will be invited")
    ).to_contain_text("TTGS-R-0001")
    expect(page.get_by_text("Full-application deadline:")).to_contain_text("(Europe/Istanbul)")
    page.get_by_role("button", name="Invite 1 applicant").click()
    expect(page.get_by_role("status").first).to_contain_text("1 lead applicant was invited")
    log_out(page)

    log_in(page, "lead@cankaya.bel.tr")
    page.get_by_role("link", name="My applications").click()
    expect(page.get_by_role("row", name=re.compile("Green twin towns"))).to_contain_text(
        "Concept note shortlisted: the full application is due by"
    )
    page.get_by_role("link", name="Green twin towns").click()
    expect(page.locator("#full-application-due")).to_contain_text(
        "It keeps the reference TTGS-R-0001."
    )
    page.get_by_role("link", name="Project", exact=True).click()
    page.get_by_label("Activities").fill(
        "Study visits, joint workshops and a shared climate atlas."
    )
    page.get_by_role("button", name="Save and continue").click()
    # the factory's confirmation recorded nothing of what it covered: any reviewed save voids it
    expect(page.get_by_text("What Stadt Würzburg confirmed has changed")).to_be_visible()
    page.get_by_role("link", name="Budget", exact=True).click()
    page.get_by_label("Requested grant").fill("85000")
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
    expect(page.get_by_text("Everything needed is here")).to_be_visible()
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_role("heading", name="Application submitted")).to_be_visible()
    expect(page.get_by_text("TTGS-R-0001")).to_be_visible()
    page.get_by_role("link", name="Back to the application").click()
    expect(page.get_by_text("Submitted (Full application)")).to_be_visible()
