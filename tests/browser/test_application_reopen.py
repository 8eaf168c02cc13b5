"""Journey: a municipality notices a mistake after submitting, reopens its application, corrects it
and submits it again before the deadline; staff see the submitted version meanwhile, and the same
reference after."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from grants.models import AttachmentKind
from tests.browser.helpers import log_in, log_out
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories.submission import attach

pytestmark = pytest.mark.browser


def test_the_lead_reopens_corrects_and_submits_again_while_staff_see_the_submitted_version(
    page: Page, live_db
):
    call = make_call(reference="TTGS-2026", title="Town Twinning 2026", themes=["Environment"])
    lead_org = make_org("TR", name="Nilüfer Belediyesi")
    application = make_application(
        call, lead=lead_org, title="Green twin towns", theme="Environment"
    )
    attach(application, AttachmentKind.declaration)
    attach(
        application, AttachmentKind.partnership_statement, application.partners[0].organisation_id
    )
    make_user(organisation=lead_org, email="lead@nilufer.bel.tr", name="Ayşe Yılmaz")
    make_user(organisation=application.partners[0].organisation, email="partner@esslingen.de")
    make_user("staff", email="staff@ministry.gov.tr")
    live_db.session.commit()

    log_in(page, "lead@nilufer.bel.tr")
    page.goto(f"/applications/{application.id}/check")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_role("heading", name="Application submitted")).to_be_visible()
    page.goto(f"/applications/{application.id}/project")  # an old edit link
    expect(
        page.get_by_role(
            "heading", name="This application is submitted and can no longer be changed"
        )
    ).to_be_visible()
    page.get_by_role("link", name="Reopen the application to correct it").click()
    expect(page.get_by_text("It keeps its reference number, TTGS-2026-0001.")).to_be_visible()
    page.get_by_role("button", name="Reopen the application").click()
    expect(page.get_by_role("status").filter(has_text="Submit again before")).to_contain_text(
        "Reopened: not submitted."
    )
    page.get_by_role("link", name="Project", exact=True).click()
    page.get_by_label("Project title").fill("Green twin towns, corrected")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My applications").click()
    expect(page.get_by_role("row", name="Green twin towns, corrected")).to_contain_text(
        "Reopened: not submitted"
    )
    log_out(page)

    log_in(page, "staff@ministry.gov.tr")
    page.goto(f"/staff/calls/{call.id}/applications")
    row = page.get_by_role("row", name="TTGS-2026-0001")
    expect(row).to_contain_text("Green twin towns")
    expect(row).not_to_contain_text("corrected")
    expect(row).to_contain_text("Reopened: not submitted")
    row.get_by_role("link", name="TTGS-2026-0001").click()
    expect(page.get_by_role("heading", name="Green twin towns", exact=True)).to_be_visible()
    expect(page.get_by_text("Shown: the version submitted on")).to_be_visible()
    log_out(page)

    # the title is on what the partner confirmed: its confirmation is void until it confirms the
    # corrected one
    log_in(page, "lead@nilufer.bel.tr")
    page.goto(f"/applications/{application.id}")
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_role("alert")).to_contain_text("has not confirmed its participation yet")
    log_out(page)
    log_in(page, "partner@esslingen.de")
    page.goto("/partners/invitations")
    page.get_by_role("link", name="Green twin towns, corrected").click()
    page.get_by_role("button", name="Confirm our participation").click()
    log_out(page)

    log_in(page, "lead@nilufer.bel.tr")
    page.goto(f"/applications/{application.id}")
    page.get_by_role("link", name="Check and submit").click()
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_role("heading", name="Application submitted again")).to_be_visible()
    expect(page.get_by_text("TTGS-2026-0001", exact=True)).to_be_visible()
    expect(page.get_by_text("This is submission 2 of this application")).to_be_visible()
    log_out(page)

    log_in(page, "staff@ministry.gov.tr")
    page.goto(f"/staff/calls/{call.id}/applications")
    expect(page.get_by_role("row", name="TTGS-2026-0001")).to_contain_text(
        "Green twin towns, corrected"
    )


@pytest.mark.parametrize("locale", ["en", "tr"])
def test_the_reopening_pages_fit_a_phone(page: Page, live_db, locale):
    from tests.browser.helpers import _log_in, _sideways, _widest
    from tests.factories.submission import ready_application

    lead_org = make_org("TR", name="Nilüfer Belediyesi")
    make_user(organisation=lead_org, email="lead@nilufer.bel.tr", locale=locale)
    application = ready_application(
        lead_org,
        make_call(reference="TTGS-2026"),
        title="Yeşil ikiz kentler: iklim eylem planlarının ortak hazırlanması",
    )
    live_db.session.commit()
    _log_in(page, "lead@nilufer.bel.tr")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/applications/{application.id}/check")
    page.locator("form[action$='/submit'] button[type=submit]").click()
    page.wait_for_url(f"**/applications/{application.id}/submitted")
    for path in (
        f"/applications/{application.id}/submitted",
        f"/applications/{application.id}/project",
        f"/applications/{application.id}/reopen",
    ):
        page.goto(path)
        assert _sideways(page) <= 0, (path, _widest(page))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/applications/{application.id}")
    for path in (f"/applications/{application.id}", "/applications"):
        page.goto(path)
        assert _sideways(page) <= 0, (path, _widest(page))
        expect(page.locator("main")).to_contain_text(
            "Yeniden açıldı" if locale == "tr" else "Reopened"
        )
