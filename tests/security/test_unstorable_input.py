"""M2, L2, L3b (docs/security.md): NUL bytes and characters that XML cannot hold are refused at
input with a message naming the field, never a server error (PostgreSQL cannot store NUL), and no
login limit is dodged with them; text already stored with them cannot make the workbook fail."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from reports.workbook import clean
from tests.factories import make_application, make_call, make_user


@pytest.mark.parametrize(
    "bad", ["Green\x00towns", "Green towns\uffff", "Green\ufdd0", "Green\U0010fffe"]
)
def test_a_project_title_with_an_unstorable_character_is_refused_naming_the_field(
    client, db, login_as, post, bad
):
    user = login_as("applicant")
    application = make_application(make_call(), lead=user.organisation)
    db.session.commit()
    response = post(
        f"/applications/{application.id}/project",
        {"title": bad, "version": str(application.version)},
    )
    page = response.get_data(as_text=True)
    assert (
        response.status_code == 400 and "“title” contains a character that cannot be stored" in page
    )
    db.session.refresh(application)
    assert application.title == "Green twin towns"


def test_nul_bytes_in_the_login_address_are_refused_before_any_attempt(client, db, post):
    make_user("applicant", email="bf2@example.org")
    db.session.commit()
    for n in range(1, 12):  # more than the test configuration's per-address limit of 5 a minute
        response = post(
            "/auth/login", {"email": "bf2@example.org" + "\x00" * n, "password": "wrong"}
        )
        assert response.status_code == 400
    assert (
        post("/auth/login", {"email": "bf2@example.org", "password": "wrong"}).status_code == 200
    )  # not 429


def test_a_search_with_a_nul_byte_is_refused_not_a_server_error(client, login_as):
    login_as("staff")
    assert client.get("/partners?q=Ayd%00in").status_code == 400


def test_stored_noncharacters_cannot_break_the_workbook():
    assert clean("Çankaya Belediyesi\uffff\ufffe\ud800 \U0001fffe😀") == "Çankaya Belediyesi 😀"


@pytest.mark.parametrize(
    "target",
    [
        "/%0D%0ASet-Cookie:%20x=1",
        "/\r\nx",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
    ],
)
def test_a_next_page_with_a_line_break_or_another_site_leads_home(client, login_as, post, target):
    login_as("applicant")
    response = client.get("/auth/login?next=" + target.replace("\r", "%0D").replace("\n", "%0A"))
    assert response.status_code == 302 and response.location in {"/", "http://localhost/"}
    response = post("/language", {"lang": "tr", "next": unquote(target)}, page="/")
    assert response.status_code == 302 and response.location in {"/", "http://localhost/"}
