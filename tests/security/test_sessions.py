"""M1 and L6 (docs/security.md): a session ends on the server when it should, whatever copies of its
cookies exist; logging in starts a fresh session."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import g

from grants.auth.tokens import password_token
from tests.factories import PASSWORD, make_org, make_user

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _token(client, page: str = "/") -> str:
    g.pop(
        "csrf_token", None
    )  # Flask-WTF keeps the last one on g, which outlives requests in these tests
    return CSRF.search(client.get(page).get_data(as_text=True)).group(1)


def _log_in(app, email: str, remember: bool = False):
    client = app.test_client()
    data = {"email": email, "password": PASSWORD, "csrf_token": _token(client, "/auth/login")}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data).status_code == 302
    return client


def _cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None


def _signed_in(app, **cookies) -> bool:
    """Whether a new client holding only these cookie values (copied from another) is signed in."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other.get("/auth/organisation").status_code == 200


@pytest.fixture
def victim(db):
    user = make_user("applicant", email="victim@example.org", organisation=make_org())
    db.session.commit()
    return user


def test_logout_ends_the_session_and_the_remember_me_cookie(app, db, victim):
    client = _log_in(app, "victim@example.org", remember=True)
    copied = {
        "session": _cookie(client, "session"),
        "remember_token": _cookie(client, "remember_token"),
    }
    assert _signed_in(app, session=copied["session"]) and _signed_in(
        app, remember_token=copied["remember_token"]
    )
    client.post("/auth/logout", data={"csrf_token": _token(client)})
    assert not _signed_in(app, session=copied["session"])
    assert not _signed_in(app, remember_token=copied["remember_token"])


def test_remember_me_lasts_at_most_30_days(app, db, victim):
    client = _log_in(app, "victim@example.org", remember=True)
    expires = client.get_cookie("remember_token").expires
    assert expires is not None and expires <= datetime.now(UTC) + timedelta(days=30, minutes=1)


def test_a_password_reset_ends_every_session(app, db, victim):
    client = _log_in(app, "victim@example.org", remember=True)
    copied = _cookie(client, "remember_token")
    with app.test_request_context():
        link = f"/auth/password/{password_token(victim)}"
    other = app.test_client()
    response = other.post(
        link,
        data={
            "password": "a brand new password",
            "confirm": "a brand new password",
            "csrf_token": _token(other, link),
        },
    )
    assert response.status_code == 302
    assert client.get("/auth/organisation").status_code == 302  # sent to log in
    assert not _signed_in(app, remember_token=copied)


def test_changing_the_password_ends_every_other_session_but_this_one(app, db, victim):
    here, elsewhere = _log_in(app, "victim@example.org"), _log_in(app, "victim@example.org")
    response = here.post(
        "/auth/account",
        data={
            "current": PASSWORD,
            "password": "another good password",
            "confirm": "another good password",
            "csrf_token": _token(here, "/auth/account"),
        },
        follow_redirects=True,
    )
    assert "Every other session of your account has ended." in response.get_data(as_text=True)
    assert here.get("/auth/organisation").status_code == 200
    assert elsewhere.get("/auth/organisation").status_code == 302


def test_a_wrong_current_password_changes_nothing(app, db, victim):
    here = _log_in(app, "victim@example.org")
    response = here.post(
        "/auth/account",
        data={
            "current": "guess",
            "password": "another good password",
            "confirm": "another good password",
            "csrf_token": _token(here, "/auth/account"),
        },
    )
    assert (
        response.status_code == 400
        and "This is not your current password." in response.get_data(as_text=True)
    )
    assert _log_in(app, "victim@example.org")  # the old password still works


def test_log_out_everywhere(app, db, victim):
    here, elsewhere = (
        _log_in(app, "victim@example.org"),
        _log_in(app, "victim@example.org", remember=True),
    )
    copied = _cookie(elsewhere, "remember_token")
    here.post("/auth/account/sessions/end", data={"csrf_token": _token(here, "/auth/account")})
    for client in (here, elsewhere):
        assert client.get("/auth/organisation").status_code == 302
    assert not _signed_in(app, remember_token=copied)


def test_logging_in_starts_a_fresh_session_keeping_only_the_language(app, db, victim):
    client = app.test_client()
    anonymous = _token(client, "/auth/login")
    client.post("/language", data={"lang": "tr", "next": "/", "csrf_token": anonymous})
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post(
        "/auth/login",
        data={
            "email": "victim@example.org",
            "password": PASSWORD,
            "csrf_token": _token(client, "/auth/login"),
        },
    )
    with client.session_transaction() as session:
        assert "planted" not in session and session["lang"] == "tr"
    assert _token(client) != anonymous  # a new CSRF secret
