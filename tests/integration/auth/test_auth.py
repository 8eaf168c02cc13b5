"""Log in, log out, remember me, the login rate limit, and where a login leads."""

from flask_babel import refresh
from sqlalchemy import select

from grants.models import AuditEvent, User
from tests.factories import PASSWORD, make_org, make_user

WRONG = "The email address or password is not correct."


def _login(post, email, password=PASSWORD, **extra):
    return post("/auth/login", {"email": email, "password": password, **extra}, page="/auth/login")


def test_login_signs_in_and_records_it(client, db, post):
    user = make_user("applicant", email="ayse@example.org")
    db.session.commit()
    page = _login(post, "Ayse@Example.org ")
    assert page.status_code == 302 and page.headers["Location"] == "/"
    assert "Log out" in client.get("/").get_data(as_text=True)
    db.session.refresh(user)
    assert user.last_login_at is not None
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "login", AuditEvent.user_id == user.id)
    )


def test_wrong_password_and_unknown_email_get_the_same_message(client, db, post):
    make_user("applicant", email="known@example.org")
    db.session.commit()
    wrong_password = _login(post, "known@example.org", "not the password").get_data(as_text=True)
    unknown = _login(post, "nobody@example.org").get_data(as_text=True)
    assert WRONG in wrong_password and WRONG in unknown
    assert 'value="known@example.org"' in wrong_password  # what the user typed is kept
    assert "Log out" not in client.get("/").get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client, db, post):
    make_user("applicant", email="gone@example.org", active=False)
    db.session.commit()
    page = _login(post, "gone@example.org")
    assert page.status_code == 200
    assert "deactivated" in page.get_data(as_text=True)
    assert "Log out" not in client.get("/").get_data(as_text=True)


def test_deactivating_ends_an_open_session(client, db, login_as):
    user = login_as("staff")
    assert client.get("/admin/users").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/admin/users").status_code == 302


def test_invited_user_without_password_cannot_log_in(client, db, post):
    user = User(email="invited@example.org", name="Invited", password_hash=None)
    db.session.add(user)
    db.session.commit()
    assert WRONG in _login(post, "invited@example.org", "anything at all").get_data(as_text=True)


def test_login_redirects_to_a_local_next_only(client, db, post):
    make_user("staff", email="staff@example.org")
    db.session.commit()
    page = post(
        "/auth/login?next=/admin/users", {"email": "staff@example.org", "password": PASSWORD}
    )
    assert page.headers["Location"] == "/admin/users"
    post("/auth/logout", page="/")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        page = post(
            f"/auth/login?next={evil}",
            {"email": "staff@example.org", "password": PASSWORD},
            page="/auth/login",
        )
        assert page.headers["Location"] == "/", evil
        post("/auth/logout", page="/")


def test_anonymous_user_is_sent_to_login_and_back(client, db, post):
    make_user("staff", email="back@example.org")
    db.session.commit()
    page = client.get("/admin/organisations")
    assert page.status_code == 302 and "/auth/login?next=" in page.headers["Location"]
    back = post(page.headers["Location"], {"email": "back@example.org", "password": PASSWORD})
    assert back.headers["Location"] == "/admin/organisations"


def test_logout_is_a_post_and_is_audited(client, db, post):
    user = make_user("applicant", email="out@example.org")
    db.session.commit()
    _login(post, "out@example.org")
    assert client.get("/auth/logout").status_code == 405
    page = post("/auth/logout", page="/")
    assert page.status_code == 302
    assert "Log in" in client.get("/").get_data(as_text=True)
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "logout", AuditEvent.user_id == user.id)
    )


def test_remember_me_sets_a_lasting_cookie_only_when_asked(client, db, post):
    make_user("applicant", email="rem@example.org")
    db.session.commit()
    without = _login(post, "rem@example.org")
    assert "remember_token" not in " ".join(without.headers.getlist("Set-Cookie"))
    post("/auth/logout", page="/")
    with_it = _login(post, "rem@example.org", remember="y")
    cookies = [c for c in with_it.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert cookies and "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]


def test_session_cookie_is_httponly_and_samesite_lax(client, db, post):
    make_user("applicant", email="cookie@example.org")
    db.session.commit()
    page = _login(post, "cookie@example.org")
    session_cookie = next(c for c in page.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_login_is_rate_limited(client, db, post):
    make_user("applicant", email="brute@example.org")
    db.session.commit()
    for _ in range(5):
        assert _login(post, "brute@example.org", "guess guess guess").status_code == 200
    page = _login(post, "brute@example.org")
    assert page.status_code == 429
    assert "Too many attempts" in page.get_data(as_text=True)
    assert client.get("/auth/login").status_code == 200  # reading the page is not limited


def test_login_without_csrf_token_is_refused(client, db):
    make_user("applicant", email="csrf@example.org")
    db.session.commit()
    page = client.post("/auth/login", data={"email": "csrf@example.org", "password": PASSWORD})
    assert page.status_code == 400
    assert client.post("/auth/logout").status_code == 400


def test_users_locale_is_used_after_login(client, db, post):
    make_user("applicant", email="tr@example.org", locale="tr", organisation=make_org())
    db.session.commit()
    _login(post, "tr@example.org")
    refresh()  # the test's app context outlives each request: forget the locale chosen before login
    assert '<html lang="tr">' in client.get("/").get_data(as_text=True)


def test_the_log_in_prompt_speaks_the_visitors_language(client):
    """A page that needs an account sends a Turkish visitor to log in with a Turkish prompt, not
    Flask-Login's English default (seen by looking at the login page as a Turkish visitor)."""
    response = client.get("/staff/calls/", headers={"Accept-Language": "tr"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Please log in" not in page and "Bu sayfayı görmek için giriş yapın." in page
