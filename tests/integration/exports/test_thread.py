"""Exports without Redis are made by the app's worker thread, outside the request (issue 12.5): the
request answers while the job waits or runs, the thread makes it and its progress moves; waiting
jobs are taken again after a restart, a job left running by a dead worker is failed, a job is
claimed by one worker only, and a process has one worker thread.

These tests run an app of their own on a database file (or DATABASE_URL) that the worker thread and
the test both reach with connections of their own, as two processes would; every table is emptied
afterwards.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from config import TestConfig
from grants import create_app
from grants.exports import jobs, worker
from grants.exports.kinds import KINDS, Kind
from grants.extensions import db as _db
from grants.models import AuditEvent, JobStatus, ReportJob
from grants.models.base import now_utc
from grants.reminders import runner
from tests.conftest import sign_in
from tests.factories import make_call, make_user

WAIT = 20.0  # seconds any condition below may take on a slow machine; met at once on a quiet one
GATE = threading.Event()  # the builder waits here until the test lets it finish
SEEN: dict = {}


def gated_build(call_id: int, locale: str, progress, path: Path) -> str:
    """A builder that says where it runs, reports 30 %, then waits for the test before writing its
    file."""
    SEEN["thread"] = threading.current_thread().name
    progress(30)
    if not GATE.wait(WAIT):
        raise TimeoutError("the test never let the export finish")
    path.write_text("made in the background", encoding="utf-8")
    return "gated.txt"


def wait_until(condition, what: str, timeout: float = WAIT) -> None:
    """Wait until `condition()` holds, checking every 20 ms; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


@pytest.fixture
def threaded(app, tmp_path, monkeypatch):
    """An app whose exports are made by its worker thread (JOBS_IN_THREAD, no Redis), in an app
    context."""
    uri = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'thread.sqlite'}"

    class ThreadConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = uri
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        JOBS_IN_THREAD = True
        WTF_CSRF_ENABLED = False
        EXPORT_DIR = str(tmp_path / "exports")

    GATE.clear()
    SEEN.clear()
    monkeypatch.setitem(
        KINDS,
        "gated",
        Kind("gated", f"{__name__}:gated_build", "Gated report", "For tests", ".txt"),
    )
    threaded = create_app(ThreadConfig)
    with threaded.app_context():
        _db.create_all()
        try:
            yield threaded
        finally:
            GATE.set()
            # every thread the app started (the export worker and the reminder runner, both
            # started by the first request) stops before the tables are emptied under it
            for key in (worker.KEY, runner.KEY):
                running = threaded.extensions.get(key)
                if running is not None:
                    running.stop()
            _db.session.remove()
            with _db.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    names = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
                    conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                else:
                    for table in reversed(_db.metadata.sorted_tables):
                        conn.execute(table.delete())
            _db.engine.dispose()


def job(job_id: int) -> ReportJob:
    _db.session.expire_all()
    return _db.session.get(ReportJob, job_id)


def actions(job_id: int) -> list[str]:
    return list(
        _db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "ReportJob", AuditEvent.object_id == str(job_id))
            .order_by(AuditEvent.id)
        )
    )


def test_the_request_answers_at_once_and_the_worker_thread_makes_the_export(threaded):
    call = make_call()
    staff = make_user("staff")
    _db.session.commit()
    client = threaded.test_client()
    sign_in(client, staff)

    response = client.post(f"/staff/calls/{call.id}/exports/gated")

    assert response.status_code == 302  # answered while the builder still waits for the test
    job_id = _db.session.scalar(select(ReportJob.id).where(ReportJob.kind == "gated"))
    assert (
        job(job_id).status in (JobStatus.queued, JobStatus.running)
        and job(job_id).finished_at is None
    )
    wait_until(lambda: job(job_id).progress == 30, "the progress of the running job is 30 %")
    assert job(job_id).status is JobStatus.running
    assert job(job_id).claimed_by == threaded.extensions[worker.KEY].name
    page = client.get(f"/staff/exports/list?call_id={call.id}")
    assert page.status_code == 200 and "30 %" in page.get_data(
        as_text=True
    )  # 200: htmx keeps polling

    GATE.set()
    wait_until(lambda: job(job_id).status is JobStatus.finished, "the export is finished")
    done = job(job_id)
    assert (done.progress, done.error, done.file_name) == (100, None, "gated.txt")
    assert (
        SEEN["thread"].startswith("export-worker-")
        and SEEN["thread"] != threading.current_thread().name
    )
    download = client.get(f"/staff/exports/{job_id}/download")
    assert download.status_code == 200 and download.get_data() == b"made in the background"
    assert actions(job_id) == ["export.requested", "export.finished"]


def test_after_a_restart_waiting_jobs_are_made_and_one_left_running_by_a_dead_worker_fails(
    threaded,
):
    call = make_call()
    _db.session.commit()
    waiting = [jobs.request_export(call.id, "workbook", "en", None).id for _ in range(2)]
    dead = jobs.request_export(call.id, "workbook", "tr", None)
    alive = jobs.request_export(call.id, "workbook", "en", None)
    dead.status, dead.claimed_by, dead.heartbeat_at = (
        JobStatus.running,
        "old-host:1:dead",
        now_utc() - timedelta(minutes=10),
    )
    alive.status, alive.claimed_by, alive.heartbeat_at = (
        JobStatus.running,
        "other-host:2:busy",
        now_utc(),
    )
    # a plain commit: nobody is woken, as when the process ended before its thread ran
    _db.session.commit()
    dead_id, alive_id = dead.id, alive.id
    assert threaded.extensions.get(worker.KEY) is None

    client = threaded.test_client()
    client.get("/health")  # the first request of the restarted process starts its worker thread
    assert threaded.extensions[worker.KEY].alive

    wait_until(
        lambda: all(job(i).status is JobStatus.finished for i in waiting),
        "both waiting jobs are made",
    )
    wait_until(lambda: job(dead_id).status is JobStatus.failed, "the dead worker's job is failed")
    assert job(dead_id).error == (
        "Uygulama bu dışa aktarımı hazırlarken durdu (yeniden başlatıldı ya da "
        "kapandı). Yeniden deneyin."
    )  # in the language the job was requested in
    assert actions(dead_id) == ["export.requested", "export.lost"]
    assert (
        job(alive_id).status is JobStatus.running
    )  # another process's worker still beats: left alone
    assert all(job(i).file_name == f"{call.reference}-workbook.xlsx" for i in waiting)


def test_a_job_is_claimed_by_one_worker_only_even_at_the_same_moment(threaded):
    call = make_call()
    _db.session.commit()
    job_id = jobs.request_export(call.id, "workbook", "en", None).id
    _db.session.commit()
    barrier, won, names = (
        threading.Barrier(6, timeout=WAIT),
        [],
        [f"host:{n}:token" for n in range(6)],
    )

    def claim(name: str) -> None:
        with threaded.app_context():
            barrier.wait()
            if jobs.claim(job_id, name):
                won.append(name)
            _db.session.remove()

    threads = [threading.Thread(target=claim, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert (
        len(won) == 1
        and job(job_id).claimed_by == won[0]
        and job(job_id).status is JobStatus.running
    )
    assert not jobs.claim(job_id, "late:0:token")


def test_one_worker_thread_per_process(threaded):
    barrier, found = threading.Barrier(5, timeout=WAIT), []

    def start() -> None:
        barrier.wait()
        found.append(worker.ensure_started(threaded))

    threads = [threading.Thread(target=start) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    client = threaded.test_client()
    client.get("/health")
    worker.wake(threaded)
    assert len({id(w) for w in found}) == 1 and threaded.extensions[worker.KEY] is found[0]
    assert [t.name for t in threading.enumerate()].count(found[0].thread.name) == 1


def test_jobs_run_in_the_request_when_the_thread_is_off(threaded, monkeypatch):
    monkeypatch.setitem(threaded.config, "JOBS_IN_THREAD", False)
    call = make_call()
    staff = make_user("staff")
    _db.session.commit()
    client = threaded.test_client()
    sign_in(client, staff)
    client.post(f"/staff/calls/{call.id}/exports/workbook")
    assert threaded.extensions.get(worker.KEY) is None
    assert (
        _db.session.scalar(select(ReportJob.status)) is JobStatus.finished
    )  # made before the answer
