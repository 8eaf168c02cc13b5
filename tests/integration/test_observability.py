"""Every request: a request id (the sane incoming one, else new), echoed in the response and carried
by its log records, and one log line with method, path, status and duration; JSON with
LOG_FORMAT=json."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from config import TestConfig
from grants import create_app
from grants.observability import HEADER, configure_logging

NEW_ID = re.compile(r"[0-9a-f]{32}")


def test_a_sane_incoming_request_id_is_kept_and_echoed(client):
    incoming = "7F000001:D2F4_7F000001:1F90_6759C1A2_0004:1A2B"  # HAProxy's unique-id
    assert client.get("/health/live", headers={HEADER: incoming}).headers[HEADER] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["", "two words", "x" * 129, "<script>", "id;drop", "kimlik-ı"],
    ids=["empty", "space", "too long", "markup", "semicolon", "not ascii"],
)
def test_another_request_id_is_replaced_by_a_new_one(client, incoming):
    assert NEW_ID.fullmatch(client.get("/health/live", headers={HEADER: incoming}).headers[HEADER])


def test_each_request_gets_its_own_id_even_a_refused_one(client):
    ids = {client.get("/health/live").headers[HEADER] for _ in range(3)}
    assert len(ids) == 3 and all(NEW_ID.fullmatch(i) for i in ids)
    refused = client.get("/no-such-page")
    assert refused.status_code == 404 and NEW_ID.fullmatch(refused.headers[HEADER])


def test_one_log_line_per_request(client, caplog):
    caplog.set_level(logging.INFO, logger="grants.request")
    response = client.get("/calls/NO-SUCH", headers={HEADER: "req-1"})
    assert response.status_code == 404
    (line,) = [r for r in caplog.records if r.name == "grants.request"]
    assert (line.method, line.path, line.status) == ("GET", "/calls/NO-SUCH", 404)
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0
    assert line.client == "127.0.0.1"


class _BehindOneProxy(TestConfig):
    TRUSTED_PROXIES = 1


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_one(caplog):
    caplog.set_level(logging.INFO, logger="grants.request")
    client = create_app(_BehindOneProxy).test_client()
    forwarded = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}  # the proxy added the last
    client.get("/health/live", headers=forwarded)
    (line,) = [r for r in caplog.records if r.name == "grants.request"]
    assert line.client == "203.0.113.7"


def test_without_trusted_proxies_a_forwarded_address_is_ignored(client, caplog):
    caplog.set_level(logging.INFO, logger="grants.request")
    client.get("/health/live", headers={"X-Forwarded-For": "203.0.113.7"})
    (line,) = [r for r in caplog.records if r.name == "grants.request"]
    assert line.client == "127.0.0.1"


@pytest.fixture
def json_log(app):
    """What the app's log handler writes, in JSON, for the test's duration."""
    app.config["LOG_FORMAT"] = "json"
    configure_logging(app)
    (handler,) = [h for h in logging.getLogger().handlers if getattr(h, "grants_handler", False)]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)
        app.config["LOG_FORMAT"] = "text"
        configure_logging(app)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_with_the_request_id(app, client, json_log, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:9/0")  # refused: it logs why
    client.get("/health/ready", headers={HEADER: "req-42"})
    said, request = _lines(json_log)
    assert (said["level"], said["name"], said["message"]) == (
        "WARNING",
        "grants.ops.queries",
        "Readiness: Redis does not answer",
    )
    assert "ConnectionError" in said["exc_info"]
    assert said["request_id"] == request["request_id"] == "req-42"
    assert request["name"] == "grants.request" and request["level"] == "INFO"
    assert (request["method"], request["path"], request["status"]) == ("GET", "/health/ready", 503)
    assert request["duration_ms"] >= 0 and request["time"]


def test_outside_a_request_the_request_id_is_null(app, json_log):
    logging.getLogger("grants.jobs").info("A job ran")
    (line,) = _lines(json_log)
    assert line["message"] == "A job ran" and line["request_id"] is None
