"""M3: no published signing key; L8: signed-in pages are never cached, HTTPS is enforced in
production; L10: the outbox shows no live token."""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.request

from sqlalchemy import select
from werkzeug.serving import make_server

from config import TestConfig
from grants import create_app
from grants.models import OutboxMessage
from tests.factories import make_user


def test_without_a_secret_key_a_random_one_is_made_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))

    class NoKey(TestConfig):
        SECRET_KEY = None

    first, second = create_app(NoKey), create_app(NoKey)
    kept = tmp_path / "secret_key"
    assert (
        len(first.config["SECRET_KEY"]) >= 48
        and first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    )
    assert (
        stat.S_IMODE(os.stat(kept).st_mode) == 0o600
        and kept.read_text() == first.config["SECRET_KEY"]
    )
    other = tmp_path / "other"
    monkeypatch.setenv("INSTANCE_DIR", str(other))
    assert (
        create_app(NoKey).config["SECRET_KEY"] != first.config["SECRET_KEY"]
    )  # each installation its own


def test_signed_in_pages_are_not_stored_by_browsers_or_proxies(client, login_as):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login_as("applicant")
    for page in ("/", "/applications", "/auth/organisation"):
        assert client.get(page).headers["Cache-Control"] == "no-store", page


def test_production_asks_browsers_for_https_only():
    class Production(TestConfig):
        SESSION_COOKIE_SECURE = True

    response = create_app(Production).test_client().get("/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in create_app(TestConfig).test_client().get("/").headers


def test_the_outbox_never_shows_a_live_token_whatever_the_status(client, db, login_as, post):
    """L10: without a mail server every message is 'logged'; its reset link is masked all the
    same."""
    make_user("applicant", email="assessor1@example.org")
    db.session.commit()
    post("/auth/reset", {"email": "assessor1@example.org"})
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == "assessor1@example.org")
    ).one()
    token = message.body.split("/auth/password/")[1].split()[0]
    login_as("admin")
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "/auth/password/[…]" in page and token not in page


def test_the_server_names_no_version(app):
    """L8: the Server header of the development server gives away neither Werkzeug's nor Python's
    version."""
    server = make_server("127.0.0.1", 0, app)
    threading.Thread(target=server.handle_request, daemon=True).start()
    with urllib.request.urlopen(
        f"http://127.0.0.1:{server.server_port}/static/favicon.svg"
    ) as response:
        header = response.headers["Server"]
    server.server_close()
    assert header.strip() == "TWIN-Grants" and "Werkzeug" not in header and "Python" not in header


def test_the_production_server_names_no_version(tmp_path):
    """L8 under gunicorn, the production server the README names: its Server header carries no
    version."""
    port = _free_port()
    env = {
        **os.environ,
        "INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite'}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        header = _server_header(
            f"http://127.0.0.1:{port}/static/favicon.svg", deadline=time.monotonic() + 30
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert header and not re.search(r"\d", header), header


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_header(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.headers["Server"]
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
