"""Liveness and readiness: what the load balancer and the orchestrator ask."""

from __future__ import annotations

from typing import ClassVar

from config import TestConfig
from grants import create_app
from tests.conftest import count_queries

DOWN = "redis://127.0.0.1:9/0"  # nothing listens on the discard port: refused at once


class _NoDatabase(TestConfig):
    SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:9/none"  # refused
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"connect_args": {"connect_timeout": 2}}


def test_live_answers_without_the_database_and_ready_says_what_is_missing():
    client = create_app(_NoDatabase).test_client()
    live = client.get("/health/live")
    assert (live.status_code, live.json) == (200, {"status": "ok"})
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json == {"status": "unavailable", "database": "unreachable"}


def test_live_sends_no_query(app, client, db):
    with count_queries(db.engine) as statements:
        assert client.get("/health/live").status_code == 200
    assert statements == []


def test_ready_with_the_database_and_without_redis_configured(client):
    response = client.get("/health/ready")
    assert (response.status_code, response.json) == (200, {"status": "ok", "database": "ok"})


def test_ready_is_503_while_the_configured_redis_is_unreachable(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", DOWN)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "ok", "redis": "unreachable"}


def test_ready_with_redis(app, client, monkeypatch, redis_url):
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    response = client.get("/health/ready")
    assert (response.status_code, response.json["redis"]) == (200, "ok")
