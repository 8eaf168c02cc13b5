"""Every POST route refuses a request without a valid CSRF token (issue 7, security suite).

Each route is sent its sample data by a role it lets in (staff where they may), once without a token
and once with another session's token: both get the 400 page that says the form expired, and nothing
changes.
"""

from __future__ import annotations

import pytest

from tests.security.access_table import CLASSES, OK, ROUTES
from tests.security.support import client_for, csrf_token, form, make_world, rules, snapshot, url
from tests.security.world import ROLES

EXPIRED = "Your form expired or was sent from another site."


def test_csrf_protection_is_on_in_the_tests_too(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) and app.config.get(
        "WTF_CSRF_CHECK_DEFAULT", True
    )


def sender(endpoint: str) -> str:
    """Staff if the route lets them in, else the first role it does."""
    answers = dict(zip(ROLES, CLASSES[ROUTES[endpoint].post_class]))
    return (
        "staff"
        if answers["staff"] == OK
        else next(role for role, answer in answers.items() if answer == OK)
    )


@pytest.mark.parametrize("token", ["none", "another session's"])
def test_every_post_without_its_sessions_token_is_refused_and_changes_nothing(
    app, db, tmp_path, monkeypatch, token
):
    world = make_world(app, tmp_path, monkeypatch)
    clients = {role: client_for(app, world.users[role]) for role in ROLES}
    for client in clients.values():
        csrf_token(client)  # each session has a token of its own, which the request does not send
    stranger = csrf_token(client_for(app, None)) if token != "none" else None
    stores = (tmp_path / "uploads", tmp_path / "exports")
    wrong = []
    for rule in rules(app, "POST"):
        role = sender(rule.endpoint)
        data = form(ROUTES[rule.endpoint], world, stranger or "")
        if stranger is None:
            del data["csrf_token"]
        before = snapshot(*stores)
        response = clients[role].post(url(app, rule, world, "POST"), data=data)
        db.session.rollback()
        if response.status_code != 400 or EXPIRED not in response.get_data(as_text=True):
            wrong.append(f"{rule.endpoint} as {role}: {response.status_code}")
        elif snapshot(*stores) != before:
            wrong.append(f"{rule.endpoint} as {role}: refused but the data changed")
    assert not wrong, "\n".join(wrong)
