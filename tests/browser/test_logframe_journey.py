"""Journey: the lead of a draft fills in the logical framework by clicking and typing: a number
refused with what was typed kept, an indicator and a result added without losing anything, the task
completed; then the check page no longer asks for it. The page fits a desktop and a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import _log_in, _sideways, _widest, log_in
from tests.factories import make_application, make_call, make_org, make_user

pytestmark = pytest.mark.browser


def _indicator(page, row: str, description: str, unit: str, baseline: str, target: str) -> None:
    page.get_by_label(f"{row} – Indicator").fill(description)
    page.get_by_label(f"{row} – Unit").fill(unit)
    page.get_by_label(f"{row} – Baseline").fill(baseline)
    page.get_by_label(f"{row} – Target").fill(target)


def test_fill_in_the_logical_framework(page, live_db):
    lead = make_org("TR", name="Çankaya Municipality")
    make_user(organisation=lead, email="lead@cankaya.example")
    call = make_call(reference="TTGS-2026", logframe_required=True)
    draft = make_application(call, lead=lead, title="Green twin towns")
    live_db.session.commit()

    log_in(page, "lead@cankaya.example")
    page.goto(f"/applications/{draft.id}/check")
    expect(page.get_by_text("Add at least one expected result")).to_be_visible()
    page.goto(f"/applications/{draft.id}")
    page.get_by_role("link", name="Logical framework").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logical framework")

    page.get_by_label("Overall objective").fill("Closer ties between the two towns")
    page.get_by_label("Specific objective").fill("Shared climate plans adopted")
    page.get_by_label("Expected result (Result 1)").fill("Climate plans drafted together")
    _indicator(page, "Result 1, indicator 1", "Plans drafted", "plans", "none", "2")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Result 1 – Indicator 1 – Baseline: Enter a number"
    )
    expect(page.get_by_label("Result 1, indicator 1 – Baseline")).to_have_value("none")
    expect(page.get_by_label("Result 1, indicator 1 – Indicator")).to_have_value("Plans drafted")
    page.get_by_label("Result 1, indicator 1 – Baseline").fill("0")

    page.get_by_role("button", name="Add an indicator (Result 1)").click()
    expect(page.get_by_text("Logical framework saved.")).to_be_visible()
    expect(page.get_by_label("Result 1, indicator 1 – Baseline")).to_have_value("0.00")
    _indicator(page, "Result 1, indicator 2", "Staff trained", "people", "1,200.50", "2,500")
    page.get_by_label("Result 1, indicator 2 – Source of verification").fill("Training lists")

    page.get_by_role("button", name="Add a result").click()
    expect(page.get_by_label("Result 1, indicator 2 – Baseline")).to_have_value("1,200.50")
    page.get_by_label("Expected result (Result 2)").fill("Joint events held")
    _indicator(page, "Result 2, indicator 1", "Events", "events", "0", "4")

    page.set_viewport_size({"width": 1280, "height": 900})
    assert _sideways(page) <= 0, _widest(page)
    page.screenshot(path="/tmp/logframe-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert _sideways(page) <= 0, _widest(page)
    expect(page.get_by_label("Result 2, indicator 1 – Indicator")).to_be_visible()
    page.screenshot(path="/tmp/logframe-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Green twin towns")
    expect(page.locator("#task-logframe")).to_have_text("Completed")
    page.goto(f"/applications/{draft.id}/check")
    expect(page.get_by_text("Add at least one expected result")).to_have_count(0)


def test_a_turkish_lead_types_turkish_numbers_on_a_phone(page, live_db):
    lead = make_org("TR", name="Nilüfer Belediyesi")
    make_user(organisation=lead, email="ayse@nilufer.example", locale="tr")
    draft = make_application(make_call(reference="TTGS-2027"), lead=lead, title="Yeşil kentler")
    live_db.session.commit()
    _log_in(page, "ayse@nilufer.example")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/applications/{draft.id}/logframe")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mantıksal çerçeve")
    page.get_by_label("Beklenen sonuç (Sonuç 1)").fill("Ortak iklim planları")
    page.get_by_label("Sonuç 1, gösterge 1 – Gösterge").fill("Eğitilen personel")
    page.get_by_label("Sonuç 1, gösterge 1 – Birim").fill("kişi")
    page.get_by_label("Sonuç 1, gösterge 1 – Başlangıç değeri").fill("2.500,50")
    page.get_by_label("Sonuç 1, gösterge 1 – Hedef").fill("12.000")
    page.get_by_role("button", name="Taslak olarak kaydet").click()
    expect(page.get_by_text("Mantıksal çerçeve kaydedildi.")).to_be_visible()
    expect(page.get_by_label("Sonuç 1, gösterge 1 – Başlangıç değeri")).to_have_value("2.500,50")
    expect(page.get_by_label("Sonuç 1, gösterge 1 – Hedef")).to_have_value("12.000,00")
    assert _sideways(page) <= 0, _widest(page)
    page.screenshot(path="/tmp/logframe-phone-tr.png", full_page=True)
