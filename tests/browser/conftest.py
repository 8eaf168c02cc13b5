"""Browser journeys: Playwright drives Debian's Chromium against a live server in a thread.

The live app has its own engine on the same database as the rest of the suite (a SQLite file
when DATABASE_URL is not set); every table is emptied after each journey.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from config import TestConfig
from grants import create_app
from grants.extensions import db as _db
from tests.conftest import REQUIRE_SERVICES

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_app(app, tmp_path_factory):
    uri = (
        os.environ.get("DATABASE_URL")
        or f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite'}"
    )

    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = uri
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        LOGIN_RATE_LIMIT = "100 per minute"

    live = create_app(LiveConfig)
    with live.app_context():
        _db.create_all()
    return live


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live_app.config["SERVER_NAME"] = f"127.0.0.1:{server.server_port}"  # e-mailed links lead here
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def live_db(live_app):
    """The live app's session for arranging data; every table is emptied afterwards."""
    with live_app.app_context():
        yield _db
        _db.session.rollback()
        tables = _db.metadata.sorted_tables
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # user and organisation refer to each other
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            else:
                for table in reversed(tables):
                    conn.execute(table.delete())
        _db.session.remove()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if REQUIRE_SERVICES:
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, live_db):
    context = browser.new_context(base_url=live_server, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
