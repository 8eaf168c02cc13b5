"""Password reset by an e-mailed, single-use, time-limited link."""

import re

from sqlalchemy import select

from grants.models import AuditEvent, MailStatus, OutboxMessage
from tests.factories import make_user

SENT = "If the address is known, we sent a link to it."
LINK = re.compile(r"http://localhost(/auth/password/\S+)")


def _request_reset(post, client, email):
    page = post("/auth/reset", {"email": email})
    assert page.status_code == 302
    return client.get(page.headers["Location"]).get_data(as_text=True)


def _link_in_outbox(db, email) -> str:
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == email))
    assert message.status is MailStatus.logged  # no MAIL_SERVER in tests: logged and kept
    return LINK.search(message.body).group(1)


def test_reset_link_sets_a_new_password_once(client, db, post):
    user = make_user("applicant", email="reset@example.org")
    db.session.commit()
    assert SENT in _request_reset(post, client, "Reset@example.org")
    path = _link_in_outbox(db, "reset@example.org")
    assert "Choose your password" in client.get(path).get_data(as_text=True)
    page = post(path, {"password": "a brand new password", "confirm": "a brand new password"})
    assert page.status_code == 302 and page.headers["Location"] == "/auth/login"
    login = post("/auth/login", {"email": "reset@example.org", "password": "a brand new password"})
    assert login.status_code == 302
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "set_password", AuditEvent.user_id == user.id)
    )
    reused = client.get(path)
    assert reused.status_code == 400 and "This link does not work" in reused.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_and_no_mail(client, db, post):
    assert SENT in _request_reset(post, client, "nobody@example.org")
    assert db.session.scalar(select(OutboxMessage)) is None


def test_deactivated_account_gets_no_link(client, db, post):
    make_user("applicant", email="off@example.org", active=False)
    db.session.commit()
    assert SENT in _request_reset(post, client, "off@example.org")
    assert db.session.scalar(select(OutboxMessage)) is None


def test_expired_or_forged_link_does_not_work(app, client, db, post):
    make_user("applicant", email="late@example.org")
    db.session.commit()
    _request_reset(post, client, "late@example.org")
    path = _link_in_outbox(db, "late@example.org")
    assert client.get(path + "x").status_code == 400
    saved = app.config["TOKEN_MAX_AGE"]
    app.config["TOKEN_MAX_AGE"] = -1
    try:
        assert client.get(path).status_code == 400
    finally:
        app.config["TOKEN_MAX_AGE"] = saved
    assert client.get(path).status_code == 200


def test_new_password_must_be_long_and_confirmed(client, db, post):
    user = make_user("applicant", email="weak@example.org")
    db.session.commit()
    _request_reset(post, client, "weak@example.org")
    path = _link_in_outbox(db, "weak@example.org")
    text = post(path, {"password": "short", "confirm": "short"}).get_data(as_text=True)
    assert "Password: Use at least 10 characters" in text
    text = post(path, {"password": "long enough 1", "confirm": "long enough 2"}).get_data(
        as_text=True
    )
    assert "The two passwords do not match" in text
    db.session.refresh(user)
    assert not user.check_password("long enough 1")


def test_reset_requests_are_rate_limited(client, db, post):
    for _ in range(5):
        assert post("/auth/reset", {"email": "spam@example.org"}).status_code == 302
    assert post("/auth/reset", {"email": "spam@example.org"}).status_code == 429
