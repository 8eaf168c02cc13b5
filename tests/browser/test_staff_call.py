"""Journey: staff create a call with two lots, publish it, and find it on the public list."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


def _local(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Europe/Istanbul")).strftime("%Y-%m-%dT%H:%M")


def test_staff_create_and_publish_a_call_with_two_lots(page, live_db):
    make_user("staff", email="staff@example.org")
    live_db.session.commit()
    now = datetime.now(ZoneInfo("UTC"))

    log_in(page, "staff@example.org")
    page.get_by_role("link", name="Manage calls").click()
    page.get_by_role("link", name="New call").click()
    page.get_by_label("Reference").fill("TTGS-2027")
    page.get_by_label("Title").fill("Town Twinning 2027")
    page.get_by_label("Opens at").fill(_local(now - timedelta(days=1)))
    page.get_by_label("Full-application deadline").fill(_local(now + timedelta(days=45)))
    page.get_by_label("Total budget").fill("2600000")
    page.get_by_label("Lot 1 – Code").fill("ENV")
    page.get_by_label("Lot 1 – Name").fill("Environment")
    page.get_by_label("Lot 1 – Budget").fill("1600000")
    page.get_by_role("button", name="Add another lot").click()
    page.get_by_label("Lot 2 – Code").fill("CUL")
    page.get_by_label("Lot 2 – Name").fill("Culture and youth")
    page.get_by_label("Lot 2 – Budget").fill("900000")
    page.get_by_role("button", name="Save call").click()

    # the lots miss the total by 100,000: the message says so and nothing typed is lost
    expect(page.get_by_role("alert")).to_contain_text("100")
    expect(page.get_by_label("Lot 2 – Name")).to_have_value("Culture and youth")
    page.get_by_label("Lot 2 – Budget").fill("1000000")
    page.get_by_role("button", name="Save call").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Town Twinning 2027")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published").first).to_be_visible()

    page.get_by_role("link", name="TWIN Grants").click()  # staff reach the open calls by the brand
    card = page.get_by_role("region", name="Town Twinning 2027")
    expect(card).to_contain_text("2,600,000")
    expect(card).to_contain_text("Europe/Istanbul")
    expect(card).to_contain_text("left")
    card.get_by_role("link", name="Town Twinning 2027").click()
    expect(page.get_by_role("row", name="ENV – Environment")).to_contain_text("1,600,000.00")
    expect(page.get_by_role("row", name="CUL – Culture and youth")).to_contain_text("1,000,000.00")
