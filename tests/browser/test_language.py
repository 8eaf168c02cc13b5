import pytest

pytestmark = pytest.mark.browser


def test_switching_to_turkish_is_remembered(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Türkçe").click()
    assert page.locator("html").get_attribute("lang") == "tr"
    page.goto("/")  # remembered in the session
    assert page.locator("html").get_attribute("lang") == "tr"
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
