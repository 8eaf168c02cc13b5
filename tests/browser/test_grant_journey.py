"""Journey: a grant from contract to closure, as people click it. Staff prepare the contract, fill
in the bank account and send it; the lead's member accepts it; staff countersign; one staff user
records the pre-financing and another authorises it. After the end date the lead's member (who uses
the site in Turkish and types amounts the Turkish way) writes the final report: activities,
indicators, actual costs; sends it. Staff accept the costs and approve the report; the balance is
recorded by one staff user and authorised by another, and the grant shows "Closed". The grant's
pages link to one another and fit a desktop and a phone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import expect

from tests.browser.helpers import _log_in, _sideways, _widest, log_in, log_out
from tests.factories import make_call, make_user
from tests.factories.grants import awarded_application
from tests.factories.logframe import add_logframe

pytestmark = pytest.mark.browser

TURKISH = Translations.load(str(Path(__file__).parents[2] / "grants" / "translations"), ["tr"])
tr = TURKISH.gettext

# 09:00 UTC = 12:00 in Istanbul, the call's zone: both signatures on 1 March 2027, in force from
# 2 March 2027 to 1 March 2029
SIGNED = datetime(2027, 3, 1, 9, tzinfo=UTC)
PREFINANCED = datetime(2027, 3, 20, 9, tzinfo=UTC)
REPORTED = datetime(2029, 3, 20, 9, tzinfo=UTC)
REVIEWED = datetime(2029, 4, 10, 9, tzinfo=UTC)


def _clock(app, monkeypatch, moment: datetime) -> None:
    monkeypatch.setitem(app.config, "FIXED_NOW", moment)


def _shot(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _record_payment(page, kind: str, amount: str, value_date: str, reference: str) -> None:
    page.get_by_label("Kind").select_option(kind)
    page.get_by_label("Amount").fill(amount)
    page.get_by_label("Value date").fill(value_date)
    page.get_by_label("Bank or order reference").fill(reference)
    page.get_by_role("button", name="Record the payment").click()


def test_a_grant_from_contract_to_closure(page, live_db, live_app, tmp_path, monkeypatch):
    shots = Path(tmp_path / "shots")
    shots.mkdir()
    monkeypatch.setitem(live_app.config, "UPLOAD_DIR", str(tmp_path))
    _clock(live_app, monkeypatch, SIGNED)
    call = make_call(status="decided", reference="TTGS-2027")
    application = awarded_application(call)
    add_logframe(application)
    make_user(
        organisation=application.lead, email="lead@example.org", name="Leyla Lead", locale="tr"
    )
    make_user("staff", email="staff@example.org", name="Selin Staff")
    make_user("staff", email="finance@example.org", name="Fatih Finance")
    live_db.session.commit()

    # Staff prepare the contract, fill in the bank account and send it
    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/contracts")
    page.get_by_role("button", name="Prepare contract").click()
    page.get_by_label("Account holder").fill("Municipality of Çankaya")
    page.get_by_label("IBAN").fill("TR330006100519786457841326")
    page.get_by_label("Name of the bank").fill("Ziraat Bankası")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Send to the lead applicant").click()
    expect(page.locator("#grant-status")).to_have_text("Sent for signature")
    grant_url = page.url
    log_out(page)

    # The lead's member accepts it (in Turkish)
    _log_in(page, "lead@example.org")
    page.goto(grant_url)
    page.get_by_label(
        tr("I have read the contract and accept it on behalf of the lead applicant.")
    ).check()
    page.get_by_role("button", name=tr("I accept")).click()
    expect(page.locator("#grant-status")).to_have_text(tr("Signed by the lead"))
    page.get_by_role("button", name=tr("Log out")).click()

    # Staff countersign: the grant is in force; its page links to its other pages
    log_in(page, "staff@example.org")
    page.goto(grant_url)
    page.get_by_role("button", name="Countersign").click()
    expect(page.locator("#grant-status")).to_have_text("In force")
    nav = page.get_by_role("navigation", name="Grant TTGS-2027/G/001")
    expect(nav.get_by_role("link", name="Contract")).to_have_attribute("aria-current", "page")
    _shot(page, shots, "1-grant-in-force")

    # One staff user records the pre-financing (80 % of 90,000.00), another authorises it
    _clock(live_app, monkeypatch, PREFINANCED)
    nav.get_by_role("link", name="Payments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payments")
    expect(nav.get_by_role("link", name="Payments")).to_have_attribute("aria-current", "page")
    _record_payment(page, "prefinancing", "72,000.00", "2027-03-20", "EFT-2027-001")
    expect(page.locator("#payments")).to_contain_text("€72,000.00")
    expect(page.locator("#payments")).to_contain_text("Another staff user authorises it")
    log_out(page)
    log_in(page, "finance@example.org")
    page.goto(grant_url + "/payments")
    page.get_by_role("button", name=re.compile(r"^Authorise")).click()
    expect(page.locator("#payment-totals")).to_contain_text("€72,000.00")
    _shot(page, shots, "2-prefinancing-authorised")
    log_out(page)

    # After the end date the lead's member writes and sends the final report, in Turkish
    _clock(live_app, monkeypatch, REPORTED)
    _log_in(page, "lead@example.org")
    page.goto(grant_url)
    page.get_by_role("link", name=tr("Reports")).click()
    page.get_by_role("button", name=re.compile("^" + re.escape(tr("Start this report")))).click()
    page.get_by_label(tr("Activities done")).fill("İki kentte ortak iklim çalıştayları yapıldı.")
    page.locator("input[name='indicators-0-achieved']").fill("12")
    page.locator("input[name='lines-0-actual']").fill("60.000,00")
    page.locator("input[name='lines-1-actual']").fill("40.000,00")
    page.get_by_label(tr("Indirect costs")).fill("7.000,00")
    page.get_by_label(tr("Contingency used")).fill("0")
    page.get_by_role("button", name=tr("Save and send to staff")).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("60.000,00")
    _shot(page, shots, "3-final-report-sent-tr")
    page.get_by_role("button", name=tr("Log out")).click()

    # Staff accept the costs and approve the report: the final amount, and the balance due
    _clock(live_app, monkeypatch, REVIEWED)
    log_in(page, "staff@example.org")
    page.goto(grant_url + "/reports")
    page.get_by_role("link", name="Final amount").click()
    page.get_by_label("Project staff – Accepted").fill("60,000.00")
    page.get_by_label("Study visits – Accepted").fill("40,000.00")
    page.get_by_role("button", name="Approve the report").click()
    expect(page.get_by_role("status")).to_have_text("The report was approved.")
    page.get_by_role("link", name="Final amount").click()
    expect(page.locator("#final-amount")).to_have_text("€90,000.00")
    expect(page.locator("#balance")).to_have_text("€18,000.00")
    _shot(page, shots, "4-final-amount")

    # The balance: recorded by one staff user, authorised by another; the grant is closed
    page.goto(grant_url + "/payments")
    _record_payment(page, "balance", "18,000.00", "2029-04-10", "EFT-2029-017")
    log_out(page)
    log_in(page, "finance@example.org")
    page.goto(grant_url + "/payments")
    page.get_by_role("button", name=re.compile(r"^Authorise")).click()
    page.get_by_role("navigation", name="Grant TTGS-2027/G/001").get_by_role(
        "link", name="Contract"
    ).click()
    expect(page.locator("#grant-status")).to_have_text("Closed")
    _shot(page, shots, "5-closed")

    # The grant's pages fit a phone
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("", "/payments", "/reports", "/amendments"):
        page.goto(grant_url + path)
        assert _sideways(page) <= 0, (path, _widest(page))
    page.goto(grant_url + "/payments")
    _shot(page, shots, "6-payments-phone")
    print(f"screenshots in {shots}")
