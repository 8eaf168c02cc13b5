"""H1 (docs/security.md): e-mailed links are built from the configured BASE_URL, never from the
request's Host header; in production a request for another host is refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from config import TestConfig
from grants import create_app
from grants.models import OutboxMessage
from tests.conftest import sign_in
from tests.factories import make_org, make_user

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _post_as(client, url: str, data: dict, host: str, page: str | None = None):
    """A form sent to a forged Host (and X-Forwarded-Host), its CSRF token and cookie fetched the
    same way."""
    base, headers = f"http://{host}", {"X-Forwarded-Host": host}
    html = client.get(page or url, base_url=base, headers=headers).get_data(as_text=True)
    return client.post(
        url, data={**data, "csrf_token": CSRF.search(html).group(1)}, base_url=base, headers=headers
    )


def _body(db, to: str) -> str:
    return db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.to == to).order_by(OutboxMessage.id.desc())
    ).first()


@pytest.fixture
def canonical(app, monkeypatch):
    """The app as configured for https://grants.example.org."""
    monkeypatch.setitem(app.config, "SERVER_NAME", "grants.example.org")
    monkeypatch.setitem(app.config, "PREFERRED_URL_SCHEME", "https")


def test_a_password_reset_link_ignores_a_forged_host(client, db, canonical):
    make_user("applicant", email="victim@example.org")
    db.session.commit()
    assert (
        _post_as(client, "/auth/reset", {"email": "victim@example.org"}, "evil.example").status_code
        == 302
    )
    body = _body(db, "victim@example.org")
    assert "https://grants.example.org/auth/password/" in body and "evil.example" not in body


def test_a_partner_contact_link_ignores_a_forged_host(client, db, canonical):
    org = make_org("DE", "local_authority")
    make_user("applicant", organisation=org, email="mayor@koeln.example")
    sender = make_user("applicant", organisation=make_org("TR"))
    db.session.commit()
    sign_in(client, sender, base_url="http://twin-grants-login.evil.example")
    response = _post_as(
        client,
        f"/partners/{org.id}/contact",
        {"message": "Shall we twin?"},
        "twin-grants-login.evil.example",
        page=f"/partners/{org.id}",
    )
    assert response.status_code == 302
    body = _body(db, "mayor@koeln.example")
    assert (
        f"https://grants.example.org/partners/{sender.organisation_id}" in body
        and "evil" not in body
    )


def test_production_refuses_hosts_it_does_not_serve(monkeypatch):
    class Production(TestConfig):
        BASE_URL = "https://grants.example.org"
        TRUSTED_HOSTS = ["grants.example.org"]

    client = create_app(Production).test_client()
    assert client.get("/health", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/health", headers={"Host": "grants.example.org"}).status_code in {200, 503}


def test_a_base_url_that_is_not_an_address_is_refused():
    class Wrong(TestConfig):
        BASE_URL = "grants.example.org"

    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app(Wrong)
