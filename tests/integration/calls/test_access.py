"""Only staff (and admins) reach the call pages; others are sent to log in or refused, never a
500."""

from __future__ import annotations

import pytest

from tests.factories import make_call


@pytest.fixture
def routes(db):
    call = make_call(status="draft")
    db.session.commit()
    base = f"/staff/calls/{call.id}"
    return [
        ("get", "/staff/calls/"),
        ("get", "/staff/calls/new"),
        ("post", "/staff/calls/new"),
        ("get", base),
        ("get", f"{base}/edit"),
        ("post", f"{base}/edit"),
        ("get", f"{base}/grids/full_application"),
        ("post", f"{base}/grids/full_application"),
        ("post", f"{base}/status"),
    ]


def test_anonymous_users_are_sent_to_log_in(client, routes, post):
    for method, url in routes:
        response = client.get(url) if method == "get" else post(url, {}, page="/")
        assert response.status_code == 302 and "/auth/login" in response.location, url


@pytest.mark.parametrize("role", ["applicant", "evaluator"])
def test_applicants_and_evaluators_are_refused(client, login_as, routes, role, post):
    login_as(role)
    for method, url in routes:
        if method == "get":
            assert client.get(url).status_code == 403, url
        else:
            assert post(url, {}, page="/").status_code == 403, url


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_see_the_pages(client, login_as, routes, role):
    login_as(role)
    for method, url in routes:
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_unknown_call_or_stage_is_404(client, login_as, db):
    login_as("staff")
    call = make_call(status="draft")
    db.session.commit()
    assert client.get("/staff/calls/99999").status_code == 404
    assert client.get(f"/staff/calls/{call.id}/grids/nonsense").status_code == 404
    assert client.get(f"/staff/calls/{call.id}/grids/concept_note").status_code == 404  # open call
