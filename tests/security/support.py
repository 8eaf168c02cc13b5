"""Helpers of the security suite: the world as a fixture, a client per role, each route's URL and
answer."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import Flask, g, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from grants.extensions import db
from grants.models import User
from tests.conftest import sign_in
from tests.security.access_table import (
    ARGUMENTS,
    CLASSES,
    ELSEWHERE,
    HOME,
    LITERALS,
    LOGIN,
    OK,
    ROUTES,
    Route,
)
from tests.security.world import ROLES, Text, World, build_world, plain

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_world(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: Text = plain
) -> World:
    """The world, its uploaded files and report files in the test's own directories."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    return build_world(tmp_path / "uploads", tmp_path / "exports", text)


def client_for(app: Flask, user: User | None) -> FlaskClient:
    """A client of its own (cookies included), signed in as the user, or anonymous."""
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


def csrf_token(client: FlaskClient) -> str:
    """The session's CSRF token, from the language form every page carries."""
    g.pop(
        "csrf_token", None
    )  # Flask-WTF keeps the last one on g, which outlives requests in these tests
    match = _CSRF.search(client.get("/").get_data(as_text=True))
    assert match, "no CSRF token on the home page"
    return match.group(1)


def rules(app: Flask, method: str) -> list[Rule]:
    """The routes answering `method`; those missing from the table are left to
    test_every_route_is_in_the_table."""
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint in ROUTES and method in r.methods),
        key=lambda r: r.endpoint,
    )


def names(world: World) -> dict[str, object]:
    """World objects by name, and each role's user id by the role's name."""
    return world.ids | {role: user.id for role, user in world.users.items() if user is not None}


def url(app: Flask, rule: Rule, world: World, method: str = "GET") -> str:
    route = ROUTES[rule.endpoint]
    chosen = {**route.args, **(route.post_args if method == "POST" else {})}
    values = {
        arg: LITERALS[arg]
        if arg in LITERALS and arg not in chosen
        else world.ids[chosen.get(arg, ARGUMENTS[arg])]
        for arg in rule.arguments
    }
    values |= {arg: world.ids[name] for arg, name in route.query.items()}
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def form(route: Route, world: World, token: str) -> dict:
    known = {k: str(v) for k, v in names(world).items()}
    return {key.format_map(known): value.format_map(known) for key, value in route.data.items()} | {
        "csrf_token": token
    }


def expected(route: Route, role: str, method: str = "GET") -> int | str:
    answer = CLASSES[route.get if method == "GET" else route.post_class][ROLES.index(role)]
    return route.ok if answer == OK else answer


def answer(response) -> int | str:
    """The status, with a redirect named by where it leads."""
    if response.status_code != 302:
        return response.status_code
    target = response.headers["Location"]
    if target.startswith("/auth/login"):
        return LOGIN
    return HOME if target == "/" else ELSEWHERE


def snapshot(*directories: Path) -> dict:
    """Every row of every table, and the files stored, to show that a refused request changed
    nothing."""
    rows = {
        table.name: db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        for table in db.metadata.sorted_tables
    }
    files = {str(d): sorted(os.listdir(d)) if d.is_dir() else [] for d in directories}
    return rows | {"files": files}
