"""Login brute force hits the limit (issue 7, security suite).

tests/integration/auth/test_auth.py shows the limit itself (5 a minute under TestConfig: the sixth
attempt gets 429, even with the right password) and tests/integration/auth/test_password.py the
limit on reset e-mails. Here: the limit counts per client address, the refused attempt signs nobody
in and records nothing, the 429 answer is a whole page in the visitor's language, and the limit
lifts once its minute has passed.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from grants.models import AuditEvent
from tests.factories import PASSWORD, make_user

ATTACKER, COLLEAGUE = {"REMOTE_ADDR": "198.51.100.7"}, {"REMOTE_ADDR": "203.0.113.20"}
LIMIT = 5  # TestConfig.LOGIN_RATE_LIMIT


@pytest.fixture
def victim(db):
    user = make_user("applicant", email="victim@example.org")
    db.session.commit()
    return user


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock (its in-memory storage), moved on by hand."""
    import limits.storage.memory as storage

    class Clock:
        offset = 0.0

        def time(self) -> float:
            return time.time() + self.offset

    fake = Clock()
    monkeypatch.setattr(storage, "time", fake)
    return fake


def attempt(post, password: str, address: dict, **kw):
    return post(
        "/auth/login",
        {"email": "victim@example.org", "password": password},
        page="/auth/login",
        environ_base=address,
        **kw,
    )


def exhaust(post, address: dict = ATTACKER) -> None:
    for _ in range(LIMIT):
        assert attempt(post, "guess guess", address).status_code == 200
    assert attempt(post, "guess guess", address).status_code == 429


def logins(db) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login")
    )


def test_the_right_password_is_refused_at_the_limit_and_nothing_is_recorded(
    client, db, post, victim
):
    exhaust(post)
    refused = attempt(post, PASSWORD, ATTACKER)
    assert refused.status_code == 429
    assert "Log out" not in client.get("/").get_data(as_text=True)
    db.session.refresh(victim)
    assert victim.last_login_at is None and logins(db) == 0


def test_the_limit_counts_per_client_address(client, db, post, victim):
    exhaust(post)
    assert attempt(post, PASSWORD, COLLEAGUE).status_code == 302  # another address is not held back
    assert logins(db) == 1


def test_the_refusal_is_a_whole_page_in_the_visitors_language(client, db, post, victim):
    post("/language", {"lang": "tr"}, page="/")
    exhaust(post)
    refused = attempt(post, "guess guess", ATTACKER)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert (
        '<html lang="tr">' in html and "<title>" in html and 'href="/auth/login"' in html
    )  # the site's layout
    assert "429" in html and "Too many attempts" not in html  # said in Turkish
    assert int(refused.headers["Retry-After"]) <= 60


def test_the_limit_lifts_once_its_minute_has_passed(client, db, post, victim, clock):
    exhaust(post)
    clock.offset = 30
    assert attempt(post, PASSWORD, ATTACKER).status_code == 429
    clock.offset = 61
    assert attempt(post, PASSWORD, ATTACKER).status_code == 302
    assert logins(db) == 1


def test_failed_attempts_on_one_account_from_many_addresses_hit_the_account_limit(
    client, db, post, victim
):
    """8 failed attempts an hour per account under TestConfig, whatever the addresses they come
    from."""
    for n in range(8):
        assert (
            attempt(post, "guess guess", {"REMOTE_ADDR": f"198.51.100.{n + 1}"}).status_code == 200
        )
    refused = attempt(post, PASSWORD, {"REMOTE_ADDR": "198.51.100.200"})
    assert refused.status_code == 429 and logins(db) == 0
    other = post(
        "/auth/login",
        {"email": "someone-else@example.org", "password": "guess guess"},
        page="/auth/login",
        environ_base={"REMOTE_ADDR": "198.51.100.201"},
    )
    assert other.status_code == 200  # another account is not held back


def test_successful_logins_do_not_count_against_the_account(client, db, post, victim):
    for n in range(10):
        assert attempt(post, PASSWORD, {"REMOTE_ADDR": f"198.51.100.{n + 1}"}).status_code == 302
        assert (
            post("/auth/logout", {}, page="/").status_code == 302
        )  # signed out: the next attempt is a real one


def test_spellings_of_one_address_share_its_limit(client, db, post, app, monkeypatch):
    """M2: case and surrounding space name the same account, so they count against the same
    limit."""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1000 per minute")
    make_user("applicant", email="bf3@example.org")
    db.session.commit()
    spellings = ["bf3@example.org", "BF3@example.org", "  bf3@EXAMPLE.org ", "Bf3@Example.Org"]
    answers = [
        post("/auth/login", {"email": spellings[i % 4], "password": "wrong"}).status_code
        for i in range(9)
    ]
    assert (
        answers[:8] == [200] * 8 and answers[8] == 429
    )  # the test configuration allows 8 failures an hour
