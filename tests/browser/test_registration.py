"""Journey: a municipality registers, staff verify it, its user logs in and may act for it."""
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, log_out
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_municipality_registers_is_verified_and_logs_in(page, live_db):
    make_user("staff", email="staff@example.org")
    live_db.session.commit()

    page.goto("/")
    page.get_by_role("link", name="Register a local authority").click()
    page.get_by_label("Name of the local authority").fill("Çankaya Belediyesi")
    page.get_by_label("Type of organisation").select_option(label="Municipality")
    page.get_by_label("Country").select_option(label="Türkiye")
    page.get_by_label("Region").fill("Ankara")
    page.get_by_label("Population").fill("944609")
    page.get_by_label("Your full name").fill("Ayşe Yılmaz")
    page.get_by_label("Email address").fill("ayse@cankaya.example")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Confirm password").fill("short")
    page.get_by_role("button", name="Register").click()

    # the error summary names the field; what was typed is still there
    expect(page.get_by_role("alert")).to_contain_text("Password")
    expect(page.get_by_label("Name of the local authority")).to_have_value("Çankaya Belediyesi")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Confirm password").fill("a long enough password")
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Çankaya Belediyesi")
    expect(page.get_by_text("Programme staff have not verified this organisation yet")).to_be_visible()
    log_out(page)

    log_in(page, "staff@example.org")
    page.get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Çankaya Belediyesi").click()
    page.get_by_role("button", name="Verify this organisation").click()
    log_out(page)

    log_in(page, "ayse@cankaya.example", "a long enough password")
    page.get_by_role("link", name="My organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Çankaya Belediyesi")
    expect(page.get_by_text("Programme staff have not verified this organisation yet")).to_have_count(0)
    expect(page.get_by_label("Partner-search description")).to_be_editable()
