"""Drills: the database goes away and comes back; the app answers 503 meanwhile and recovers by
itself."""

from __future__ import annotations

import os
import threading
from typing import ClassVar

import psycopg
import pytest

from config import TestConfig
from grants import create_app
from tests.conftest import service_missing

PG_URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


class _Unreachable(TestConfig):
    SQLALCHEMY_DATABASE_URI = (
        "postgresql+psycopg://nobody@127.0.0.1:9/none"  # the discard port: refused
    )
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {
        "pool_pre_ping": True,
        "connect_args": {"connect_timeout": 2},
    }


def test_an_unreachable_database_gives_a_503_page_in_the_users_language():
    client = create_app(_Unreachable).test_client()
    response = client.get("/", headers={"Accept-Language": "tr"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "Geçici olarak kullanılamıyor" in page or "Temporarily unavailable" in page
    assert "Traceback" not in page
    client.get("/", headers={"Accept-Language": "en"})
    assert "cannot reach its database" in client.get("/").get_data(as_text=True)


class _Drill(TestConfig):
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {
        "pool_pre_ping": True,
        "pool_size": 5,
        "connect_args": {"application_name": "outage-drill"},
    }


def _terminate_drill_connections() -> int:
    with psycopg.connect(
        PG_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as conn:
        return len(
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'outage-drill'"
            ).fetchall()
        )


def test_requests_recover_after_the_database_cut_every_connection_under_load(app):
    """What a PostgreSQL restart does to the app: every pooled connection is cut at once, while
    requests run. (`app` creates the schema.)"""
    if not PG_URL.startswith("postgresql"):
        service_missing("PostgreSQL (DATABASE_URL)")
    app = create_app(_Drill)
    statuses: list[int] = []
    lock = threading.Lock()

    def load(rounds: int) -> None:
        client = app.test_client()
        for _ in range(rounds):
            code = client.get("/").status_code
            with lock:
                statuses.append(code)

    warm = [threading.Thread(target=load, args=(5,)) for _ in range(5)]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    assert set(statuses) == {200}
    threads = [threading.Thread(target=load, args=(20,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    cut = _terminate_drill_connections()
    for thread in threads:
        thread.join()
    assert cut >= 1
    assert set(statuses) <= {200, 503}, "a cut connection must never give a server error"
    statuses.clear()
    load(10)  # afterwards every request succeeds, without restarting the app
    assert statuses == [200] * 10
