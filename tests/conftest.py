"""Fixtures: one app per test session, each test in a transaction rolled back at the end.

SQLite in memory by default; PostgreSQL when DATABASE_URL says so; a real Redis when REDIS_URL is
set. With REQUIRE_SERVICES=1 (CI) a missing service fails the run instead of skipping.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker
from sqlalchemy.pool import StaticPool

from config import TestConfig
from grants import create_app
from grants.extensions import db as _db
from grants.extensions import limiter
from tests import factories
from tests.factories.exports import fake_exports

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def service_missing(what: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


class _Config(TestConfig):
    if TestConfig.SQLALCHEMY_DATABASE_URI == "sqlite://":
        SQLALCHEMY_ENGINE_OPTIONS = {
            "poolclass": StaticPool,
            "connect_args": {"check_same_thread": False, "isolation_level": None},
        }
    else:  # the concurrency drills hold 20 connections at once
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}


class _Client(FlaskClient):
    """A test client whose requests start with a clean ``g``, as separate HTTP requests do.

    The ``db`` fixture keeps one app context pushed for the test, so without this Flask-Login's
    user and Flask-Babel's locale cached on ``g`` would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        for key in ("_login_user", "_flask_babel"):
            g.pop(key, None)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app():
    if REQUIRE_SERVICES and not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        pytest.fail("REQUIRE_SERVICES=1 needs DATABASE_URL pointing at PostgreSQL")
    app = create_app(_Config)
    app.test_client_class = _Client
    with app.app_context():
        if _db.engine.dialect.name == "sqlite":
            _sqlite_savepoints(_db.engine)
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.drop_all()


def _sqlite_savepoints(engine) -> None:
    """pysqlite's own transaction handling breaks SAVEPOINT: with isolation_level=None
    (connect_args) SQLAlchemy emits BEGIN itself."""

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


@pytest.fixture
def db(app):
    """The database session, inside a transaction that is rolled back after the test."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        # a plain Session: Flask-SQLAlchemy's own would pick the engine, not this connection
        _db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        limiter.reset()
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


def sign_in(client, user, **context) -> None:
    """Put a signed-in session of the user (an open server-side session, as a login makes) on the
    client; `context`: test_request_context arguments, e.g. base_url."""
    from grants.models import UserSession
    from grants.models.base import now_utc

    key = secrets.token_urlsafe(16)
    _db.session.add(UserSession(user_id=user.id, key=key, expires_at=now_utc() + timedelta(days=1)))
    _db.session.commit()
    with client.session_transaction(**context) as session:
        session["_user_id"], session["_fresh"] = f"{user.id}:{key}", True


@pytest.fixture
def login_as(client, db):
    """Sign a user of the given role (or the given user) in on the test client and return it."""

    def _login(role: str = "applicant", user=None, **kw):
        if user is None and role == "applicant" and "organisation" not in kw:
            kw["organisation"] = factories.make_org()
        user = user or factories.make_user(role, **kw)
        _db.session.commit()  # a savepoint: still rolled back at the end
        sign_in(client, user)
        return user

    return _login


def count_queries(engine):
    """Context manager counting SQL statements sent on the engine."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return _count()


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        service_missing("Redis (REDIS_URL)")
    from redis import Redis

    try:
        Redis.from_url(url).ping()
    except Exception:  # noqa: BLE001 - any failure means the service is missing
        service_missing(f"Redis at {url}")
    return url


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def post(client):
    """POST a form as a browser would: first GET the page (default: the same URL) for its CSRF
    token. `post.last_page` keeps that page (its token serves a request sent without a GET)."""

    def _post(url: str, data: dict | None = None, page: str | None = None, **kw):
        g.pop(
            "csrf_token", None
        )  # Flask-WTF caches it on g, which outlives requests in these tests
        html = _post.last_page = client.get(page or url).get_data(as_text=True)
        match = _CSRF.search(html)
        assert match, f"no CSRF token on {page or url}"
        return client.post(url, data={**(data or {}), "csrf_token": match.group(1)}, **kw)

    return _post


@pytest.fixture
def uploads(app, tmp_path, monkeypatch) -> Path:
    """A fresh folder for the uploads space, on the local backend whatever STORAGE_BACKEND says:
    for tests that look at the files themselves (tests/integration/storage runs the interface on
    both backends)."""
    folder = tmp_path / "files"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(folder))
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")
    return folder


def selects(statements: list[str]) -> int:
    """SELECTs only: the test harness's SAVEPOINTs come and go with the session."""
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))


@pytest.fixture
def files(app, tmp_path, monkeypatch):
    """A "fake" export kind (tests.factories.exports.fake_build) and a temporary export folder."""
    return fake_exports(app, tmp_path, monkeypatch)


@pytest.fixture
def fixed_now(app):
    """Fixes the application's clock (grants/clock.py) for this test: `fixed_now(moment)`, or
    `fixed_now(function)` for a time that moves; the setting FIXED_NOW is restored afterwards."""
    saved = app.config.get("FIXED_NOW")

    def fix(moment) -> None:
        app.config["FIXED_NOW"] = moment

    yield fix
    app.config["FIXED_NOW"] = saved
