"""Every route against every role, as tests/security/access_table.py says (issue 7, security suite).

Each GET route is opened by each role in one shared world; each POST route is sent, with a valid
CSRF token, by each role its class refuses, which must get the refusal and change nothing (rows and
stored files).
"""

from __future__ import annotations

import pytest

from tests.security.access_table import CLASSES, OK, ROUTES
from tests.security.support import (
    answer,
    client_for,
    csrf_token,
    expected,
    form,
    make_world,
    rules,
    snapshot,
    url,
)
from tests.security.world import ROLES


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    missing, gone = sorted(endpoints - ROUTES.keys()), sorted(ROUTES.keys() - endpoints)
    assert not missing, (
        f"routes without an access class (add them to tests/security/access_table.py): {missing}"
    )
    assert not gone, f"the table names routes that no longer exist: {gone}"
    for rule in app.url_map.iter_rules():
        route = ROUTES.get(rule.endpoint)
        if route is None:
            continue
        assert ("GET" in rule.methods) == (route.get is not None), (
            f"{rule.endpoint}: GET class and methods differ"
        )
        assert route.post_class is not None or "POST" not in rule.methods, (
            f"{rule.endpoint}: no POST class"
        )
        assert route.post is None or "POST" in rule.methods, (
            f"{rule.endpoint}: a POST class but no POST"
        )
    assert {c for r in ROUTES.values() for c in (r.get, r.post) if c} <= CLASSES.keys()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_the_table_says(app, db, tmp_path, monkeypatch, role):
    world = make_world(app, tmp_path, monkeypatch)
    client = client_for(app, world.users[role])
    wrong = []
    for rule in rules(app, "GET"):
        address = url(app, rule, world)
        got, want = answer(client.get(address)), expected(ROUTES[rule.endpoint], role)
        if got != want:
            wrong.append(f"{rule.endpoint} {address}: expected {want}, got {got}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_every_post_is_refused_to_roles_without_access_and_changes_nothing(
    app, db, tmp_path, monkeypatch, role
):
    world = make_world(app, tmp_path, monkeypatch)
    client = client_for(app, world.users[role])
    token = csrf_token(client)
    stores = (tmp_path / "uploads", tmp_path / "exports")
    refused = [
        rule
        for rule in rules(app, "POST")
        if CLASSES[ROUTES[rule.endpoint].post_class][ROLES.index(role)] != OK
    ]
    wrong = []
    for rule in refused:
        route = ROUTES[rule.endpoint]
        before = snapshot(*stores)
        address = url(app, rule, world, "POST")
        got, want = (
            answer(client.post(address, data=form(route, world, token))),
            expected(route, role, "POST"),
        )
        db.session.rollback()  # what a request's teardown does with anything it left unsaved
        if got != want:
            wrong.append(f"{rule.endpoint} {address}: expected {want}, got {got}")
        elif snapshot(*stores) != before:
            wrong.append(f"{rule.endpoint} {address}: refused ({got}) but the data changed")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
    assert refused  # every role is refused something


# a role let in whose POST of the route's sample data changes something in the world: the refusals
# above are
# refusals, not sample data the route would ignore anyway
EFFECTIVE = {  # in this order: an earlier one may leave nothing for a later one to do
    "auth.verify_member": "applicant",
    "admin.change_role": "admin",
    "admin.set_active": "admin",
    "admin.verify_organisation": "staff",
    "admin.invite": "staff",
    "applications.start": "outsider",
    "applications.project": "applicant",
    "applications.budget": "applicant",
    "partners.add_partner": "applicant",
    "partners.change_role": "applicant",
    "partners.decline": "partner",
    "partners.contact": "outsider",
    "submission.delete_attachment": "applicant",
    "evaluation.remove": "staff",
    "evaluation.due_date": "staff",
    "calls.status": "staff",
    "awards.change_shortlist": "staff",
    "exports.retry_job": "staff",
    "calldocs.ask": "outsider",
    "calldocs.answer": "staff",
    "payments.record": "staff",
    "payments.authorise": "staff",
    "amendments.request_end_date": "applicant",
    "amendments.decide": "staff",
    # last: its sample renames the lead, which then waits for a new verification
    "auth.organisation": "applicant",
}


def test_the_sample_posts_change_something_when_the_role_may_send_them(
    app, db, tmp_path, monkeypatch
):
    world = make_world(app, tmp_path, monkeypatch)
    by_endpoint = {rule.endpoint: rule for rule in rules(app, "POST")}
    stores = (tmp_path / "uploads", tmp_path / "exports")
    ignored = []
    for endpoint, role in EFFECTIVE.items():
        client = client_for(app, world.users[role])
        before = snapshot(*stores)
        response = client.post(
            url(app, by_endpoint[endpoint], world, "POST"),
            data=form(ROUTES[endpoint], world, csrf_token(client)),
        )
        db.session.rollback()
        if snapshot(*stores) == before:
            ignored.append(f"{endpoint} as {role}: {response.status_code}, nothing changed")
    assert not ignored, "\n".join(ignored)


def test_every_route_declares_the_class_the_table_gives_it(app):
    """The policy is declared once, on the route (`grants.access.requires`); this table checks
    it."""
    from grants.access import declared

    wrong = []
    for rule in app.url_map.iter_rules():
        route = ROUTES.get(rule.endpoint)
        if route is None:
            continue
        view = app.view_functions[rule.endpoint]
        want = (route.get or route.post_class, route.post_class or route.get)
        got = declared(view)
        if (
            got is None
            or (got[0] if route.get else got[1]) != want[0]
            or ("POST" in rule.methods and got[1] != route.post_class)
        ):
            wrong.append(
                f"{rule.endpoint}: declares {got}, the table says GET {route.get}, POST "
                f"{route.post_class}"
            )
    assert not wrong, "\n".join(sorted(wrong))
