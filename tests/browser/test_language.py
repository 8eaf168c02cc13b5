import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_switching_to_turkish_is_remembered(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open calls for proposals")
    page.get_by_role("button", name="Türkçe").click()
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Açık teklif çağrıları")
    page.get_by_role("link", name="Giriş yap").click()  # remembered from page to page
    expect(page.get_by_role("button", name="Giriş yap")).to_be_visible()
    expect(page.get_by_label("Parola")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
