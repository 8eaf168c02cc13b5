"""Journey: staff prepare the contract of an awarded application, fill in the beneficiary's bank
account (a Turkish IBAN, shown back by groups of four) and send it; the lead's member accepts it
from the application's page; staff countersign; the grant's page shows it in force with its dates
(the day after the last signature in the call's time zone, and 24 months later minus one day)."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, log_out
from tests.factories import make_call, make_user
from tests.factories.grants import awarded_application

pytestmark = pytest.mark.browser

# 09:00 UTC = 12:00 in Istanbul, the call's zone: both signatures on 1 March 2027
SIGNED = datetime(2027, 3, 1, 9, tzinfo=UTC)


def test_staff_prepare_and_send_the_lead_accepts_staff_countersign(
    page, live_db, live_app, tmp_path, monkeypatch
):
    monkeypatch.setitem(live_app.config, "UPLOAD_DIR", str(tmp_path))
    monkeypatch.setitem(live_app.config, "FIXED_NOW", SIGNED)
    call = make_call(status="decided", reference="TTGS-2027")
    application = awarded_application(call)
    make_user(organisation=application.lead, email="lead@example.org", name="Leyla Lead")
    make_user("staff", email="staff@example.org", name="Selin Staff")
    live_db.session.commit()

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/contracts")
    page.get_by_role("button", name="Prepare contract").click()
    expect(page.get_by_role("heading", name="Bank account and sending")).to_be_visible()
    page.get_by_label("Account holder").fill("Municipality of Çankaya")
    page.get_by_label("IBAN").fill("TR330006100519786457841326")
    page.get_by_label("Name of the bank").fill("Ziraat Bankası")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#saved-iban")).to_have_text("TR33 0006 1005 1978 6457 8413 26")
    page.get_by_role("button", name="Send to the lead applicant").click()
    expect(page.locator("#grant-status")).to_have_text("Sent for signature")
    log_out(page)

    log_in(page, "lead@example.org")
    page.goto(f"/applications/{application.id}")
    page.get_by_role("link", name="Your grant").click()
    expect(page.get_by_role("heading", name="TTGS-2027/G/001")).to_be_visible()
    page.get_by_role("button", name="I accept").click()  # without ticking the box: refused
    expect(page.locator("#error-summary")).to_contain_text("Tick the box to confirm")
    page.get_by_label("I have read the contract and accept it").check()
    page.get_by_role("button", name="I accept").click()
    expect(page.locator("#grant-status")).to_have_text("Signed by the lead")
    log_out(page)

    log_in(page, "staff@example.org")
    page.goto(f"/applications/{application.id}")
    page.get_by_role("link", name="Grant TTGS-2027/G/001").click()
    page.get_by_role("button", name="Countersign").click()
    expect(page.locator("#grant-status")).to_have_text("In force")
    expect(page.locator("#start-date")).to_have_text("March 2, 2027")
    expect(page.locator("#end-date")).to_have_text("March 1, 2029")
    expect(page.locator("#bank-account")).to_contain_text("TR33 0006 1005 1978 6457 8413 26")
