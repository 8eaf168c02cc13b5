"""Fields about the user say what they hold, so that browsers and assistive tools can fill them in
(WCAG 1.3.5, issue 13); fields about someone else are not filled with the user's own details."""

import re

import pytest

PAGES = {
    "/auth/register": {
        "name": "organization",
        "country": "country",
        "region": "address-level1",
        "address": "street-address",
        "full_name": "name",
        "email": "email",
        "password": "new-password",
        "confirm": "new-password",
    },
    "/auth/join": {"full_name": "name", "email": "email", "password": "new-password"},
    "/auth/login": {"email": "username", "password": "current-password"},
    "/auth/reset": {"email": "email"},
}


def autocomplete(html: str, field_id: str) -> str | None:
    tag = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{field_id}"[^>]*>', html)
    assert tag, f"no field #{field_id}"
    found = re.search(r'\bautocomplete="([^"]*)"', tag.group())
    return found and found.group(1)


@pytest.mark.parametrize("path", PAGES)
def test_the_users_own_details_are_marked_for_autofill(client, db, path):
    html = client.get(path).get_data(as_text=True)
    assert {field: autocomplete(html, field) for field in PAGES[path]} == PAGES[path]


def test_the_account_page_tells_the_current_password_from_the_new(client, db, login_as):
    login_as("applicant")
    html = client.get("/auth/account").get_data(as_text=True)
    assert [autocomplete(html, f) for f in ("current", "password", "confirm")] == [
        "current-password",
        "new-password",
        "new-password",
    ]


def test_an_invited_persons_details_are_not_filled_with_the_staff_members_own(client, db, login_as):
    login_as("staff")
    html = client.get("/admin/users/invite").get_data(as_text=True)
    assert autocomplete(html, "name") == "off" and autocomplete(html, "email") == "off"
