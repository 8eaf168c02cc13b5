"""GET /metrics: Prometheus's text format, for a scraper holding the METRICS_TOKEN only."""

from __future__ import annotations

import re
from typing import ClassVar

import pytest

from config import TestConfig
from grants import create_app
from grants.exports.jobs import request_export
from grants.jobs import commit
from tests.factories.exports import ranked_example

AUTH = {"Authorization": "Bearer s3cret-token"}


@pytest.fixture
def token(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-token")


def _value(text: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    assert match, f"{sample} not in the metrics"
    return float(match.group(1))


def test_no_metrics_without_a_configured_token(client):
    assert client.get("/metrics", headers=AUTH).status_code == 404


@pytest.mark.usefixtures("token")
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret-token"}],
    ids=["none", "wrong", "not bearer"],
)
def test_no_metrics_without_the_token(client, headers):
    assert client.get("/metrics", headers=headers).status_code == 404


@pytest.mark.usefixtures("token")
def test_request_latency_by_route_method_and_status(client):
    sample = 'grants_request_duration_seconds_count{endpoint="ops.live",method="GET",status="200"}'
    before = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    count = _value(before, sample) if sample in before else 0
    client.get("/health/live")
    client.get("/health/live")
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    text = response.get_data(as_text=True)
    assert _value(text, sample) == count + 2
    assert "# TYPE grants_request_duration_seconds histogram" in text


@pytest.mark.usefixtures("token", "files")
def test_pending_work_from_the_database(client, db):
    text = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    assert _value(text, 'grants_pending_jobs{kind="exports"}') == 0
    assert _value(text, 'grants_pending_jobs{kind="emails"}') == 0
    assert "grants_queue_length" not in text  # no Redis: no rq queue
    call = ranked_example()
    request_export(call.id, "fake", "en", None)
    db.session.commit()  # queued, not yet run (the unit of work's commit would run it here)
    text = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    assert _value(text, 'grants_pending_jobs{kind="exports"}') == 1


@pytest.mark.usefixtures("token", "files")
def test_the_rq_queue_length(app, client, db, monkeypatch, redis_url):
    from grants.jobs import queue

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    q = queue()
    q.empty()
    try:
        call = ranked_example()
        request_export(call.id, "fake", "en", None)
        commit()  # queued in rq; no worker runs here
        text = client.get("/metrics", headers=AUTH).get_data(as_text=True)
        assert _value(text, "grants_queue_length") == 1
        assert _value(text, 'grants_pending_jobs{kind="exports"}') == 1
    finally:
        q.empty()


class _NoDatabase(TestConfig):
    SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:9/none"  # refused
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"connect_args": {"connect_timeout": 2}}
    METRICS_TOKEN = "s3cret-token"


def test_metrics_without_the_database_leave_out_what_it_would_say():
    client = create_app(_NoDatabase).test_client()
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "grants_request_duration_seconds" in text and "grants_pending_jobs" not in text
