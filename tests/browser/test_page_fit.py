"""Pages fit a 1280-pixel screen (issue 12.9): the ranking table shows every column without
scrolling sideways, in English and Turkish, with the longest labels it has (a decision changed by
staff, an award below the minimum grant confirmed on the way); the main menu stays on one line in
Turkish."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

import grants
from grants.awards import rank_call
from grants.bundle import import_bundle, load
from grants.models import Application
from tests.browser.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

EXAMPLE = Path(grants.__file__).parent / "data" / "ttgs-demo.bundle.json"
WHY = "The committee cut the equipment line, which duplicates a national grant."
WIDE = {"width": 1280, "height": 900}


def _fits(page: Page, selector: str) -> None:
    """Nothing of the element is cut: it is no wider than its scrolling box, and the page no wider
    than the window."""
    box = page.locator(selector).first
    scroll, client = box.evaluate(
        "t => [t.scrollWidth, (t.closest('.table-responsive') || t.parentElement).clientWidth]"
    )
    assert scroll <= client, f"{selector}: {scroll} px wide in a box of {client} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]


def _switch(page: Page, language: str) -> None:
    page.get_by_role("button", name=language).click()
    expect(page.locator("html")).to_have_attribute("lang", "tr" if language == "Türkçe" else "en")


def test_the_ranking_table_fits_1280_pixels_in_both_languages(page, live_db):
    page.set_viewport_size(WIDE)
    call = import_bundle(load(EXAMPLE))
    lead = live_db.session.scalar(
        select(Application).where(Application.reference == "TTGS-DEMO-0029")
    ).lead
    lead.name = "Kahramanmaraş Büyükşehir Belediyesi"
    rank_call(call.id)
    make_user("staff", email="staff@example.org", name="Selin Staff")
    live_db.session.commit()

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/ranking")
    page.get_by_role("link", name="Change TTGS-DEMO-0029").click()
    page.get_by_label("Amount awarded").fill("55000")
    page.get_by_label("Justification").fill(WHY)
    page.get_by_role("button", name="Change the decision").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(
        "Tick this box to award €55,000.00, less than the call's minimum grant of €60,000.00"
    )
    summary.get_by_role("link").click()
    confirm = page.get_by_label("I confirm an award below the call's minimum grant of €60,000.00")
    expect(confirm).to_be_focused()
    confirm.check()
    page.get_by_role("button", name="Change the decision").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "The decision on TTGS-DEMO-0029 was changed."
    )

    row = page.locator("table.ranking-table").get_by_role("row", name=re.compile("TTGS-DEMO-0029"))
    expect(row).to_contain_text("changed by staff")
    expect(row).to_contain_text("€55,000.00")
    _fits(page, "table.ranking-table")
    change = row.get_by_role("link", name="Change TTGS-DEMO-0029")
    assert change.bounding_box()["x"] + change.bounding_box()["width"] <= WIDE["width"]

    _switch(page, "Türkçe")
    expect(
        page.locator("table.ranking-table").get_by_role("row", name=re.compile("TTGS-DEMO-0029"))
    ).to_contain_text("personel tarafından")
    _fits(page, "table.ranking-table")


@pytest.mark.parametrize("role", ["admin", "staff", "applicant"])
def test_the_main_menu_is_one_line_at_1280_pixels_in_turkish(page, live_db, role):
    page.set_viewport_size(WIDE)
    make_user(role, email="someone@example.org", name="Ayşegül Karaosmanoğlu")
    live_db.session.commit()
    log_in(page, "someone@example.org")
    _switch(page, "Türkçe")
    menu = page.get_by_role("navigation", name="Ana menü")
    items = menu.locator(".navbar-brand, .nav-link, button").evaluate_all(
        "items => items.filter(i => i.offsetParent).map(i => i.getBoundingClientRect())"
        ".map(r => ({top: r.top, height: r.height, right: r.right}))"
    )
    brand = menu.locator(".navbar-brand").evaluate("b => b.getBoundingClientRect().height")
    assert len(items) >= 5
    assert all(item["height"] <= brand for item in items), (
        items
    )  # no label breaks onto a second line
    assert all(item["right"] <= WIDE["width"] for item in items), (
        items
    )  # and none is pushed out of the window
    assert (
        menu.evaluate("m => m.getBoundingClientRect().height") <= brand + 17
    )  # one row: the brand and padding
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
