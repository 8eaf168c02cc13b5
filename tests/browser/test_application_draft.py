"""Journey: a municipality starts an application, drafts the project through a validation error
without losing what it typed, and sees the budget totals and limits update as it types."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.factories import make_call, make_org, make_user

pytestmark = pytest.mark.browser


def test_draft_project_and_budget(page, live_db):
    org = make_org("TR", name="Çankaya Municipality")
    make_user(organisation=org, email="lead@cankaya.example")
    make_call(reference="TTGS-2026", title="Town Twinning 2026", themes=["environment", "culture"])
    live_db.session.commit()

    log_in(page, "lead@cankaya.example")
    page.get_by_role("link", name="My applications").click()
    page.get_by_role("button", name="Start an application").click()
    expect(page.get_by_text("has been started")).to_be_visible()

    page.get_by_role("link", name="Project").click()
    page.get_by_label("Project title").fill("Green twin towns")
    page.get_by_label("Theme").select_option("environment")
    page.get_by_label("Duration (months)").fill("36")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a duration from 12 to 24 months")
    expect(page.get_by_label("Duration (months)")).to_have_value("36")
    expect(page.get_by_label("Project title")).to_have_value("Green twin towns")
    page.get_by_label("Duration (months)").fill("24")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Green twin towns")

    page.get_by_role("link", name="Budget").click()
    page.get_by_label("Line 1 – Heading").select_option("1")
    page.get_by_label("Line 1 – Description").fill("Project staff")
    page.get_by_label("Line 1 – Quantity").fill("12")
    page.get_by_label("Line 1 – Unit cost").fill("5000")
    expect(page.locator("#total-direct")).to_have_text(
        "€60,000.00"
    )  # worked out by the server, not saved
    page.get_by_label("Requested grant").fill("135000")
    expect(page.locator("#budget-problems")).to_contain_text(
        "Requested grant €135,000.00 is above the maximum of €130,000.00 by €5,000.00."
    )
    page.get_by_role("button", name="Add a line").click()
    expect(page.get_by_text("Budget saved.")).to_be_visible()
    expect(page.get_by_label("Line 2 – Description")).to_have_value("")
    expect(page.get_by_label("Line 1 – Description")).to_have_value("Project staff")
