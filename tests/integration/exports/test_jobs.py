"""Export jobs: queued -> running -> finished with progress 100, or failed with the error and
retried; in-process without Redis, through rq with it; a job whose rq job is lost is shown
failed."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func, select

from grants.exports.jobs import request_export
from grants.exports.kinds import KINDS, Kind
from grants.files import exports
from grants.jobs import commit
from grants.models import AuditEvent, JobStatus, ReportJob
from tests.factories.exports import STATE, ranked_example

pytestmark = pytest.mark.usefixtures("files")  # the "fake" export kind


def job_of(db, kind: str = "fake") -> ReportJob:
    db.session.expire_all()
    return db.session.scalar(
        select(ReportJob).where(ReportJob.kind == kind).order_by(ReportJob.id.desc())
    )


def actions(db, job: ReportJob) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "ReportJob", AuditEvent.object_id == str(job.id))
            .order_by(AuditEvent.id)
        )
    )


def test_staff_request_runs_to_finished_with_the_file(client, db, login_as, post, files):
    call = ranked_example()
    login_as("staff")
    response = post(
        f"/staff/calls/{call.id}/exports/workbook", page=f"/staff/calls/{call.id}/exports"
    )
    assert response.status_code == 302 and response.location.endswith("#downloads")
    job = job_of(db, "workbook")
    assert (job.status, job.progress, job.error) == (JobStatus.finished, 100, None)
    assert job.file_name == "TTGS-DEMO-workbook.xlsx" and job.finished_at is not None
    assert exports().get(job.file_path)[:2] == b"PK"  # a zip: the xlsx
    assert actions(db, job) == ["export.requested", "export.finished"]


def test_progress_is_committed_while_the_job_runs(db, files):
    call = ranked_example()
    job = request_export(call.id, "fake", "tr", None)
    assert job.status is JobStatus.queued and job.rq_id
    commit()
    assert (
        STATE["seen"] == 40 and STATE["locale"] == "tr"
    )  # seen from the database during the build
    job = job_of(db)
    assert (job.status, job.progress) == (JobStatus.finished, 100)
    assert job.file_name == "fake_report.txt"  # a safe name, whatever the builder said
    assert exports().get(job.file_path).decode() == "made"


def test_a_failure_is_shown_and_a_retry_succeeds(client, db, login_as, post, caplog):
    call = ranked_example()
    login_as("staff")
    STATE["fail"] = True
    with caplog.at_level(logging.ERROR, logger="grants.exports.jobs"):
        post(f"/staff/calls/{call.id}/exports/fake", page=f"/staff/calls/{call.id}/exports")
    job = job_of(db)
    assert (job.status, job.error, job.file_path) == (
        JobStatus.failed,
        "the data of call is broken",
        None,
    )
    assert any(r.exc_info for r in caplog.records)  # the traceback is in the log
    page = client.get(f"/staff/calls/{call.id}/exports").get_data(as_text=True)
    assert "the data of call is broken" in page and "Retry" in page
    STATE["fail"] = False
    response = post(f"/staff/exports/{job.id}/retry", page=f"/staff/calls/{call.id}/exports")
    assert response.status_code == 302
    job = job_of(db)
    assert (job.status, job.progress, job.error) == (JobStatus.finished, 100, None)
    assert actions(db, job) == [
        "export.requested",
        "export.failed",
        "export.retried",
        "export.finished",
    ]


def test_only_a_failed_job_is_retried(client, db, login_as, post):
    call = ranked_example()
    login_as("staff")
    post(f"/staff/calls/{call.id}/exports/fake", page=f"/staff/calls/{call.id}/exports")
    job = job_of(db)
    response = post(
        f"/staff/exports/{job.id}/retry",
        page=f"/staff/calls/{call.id}/exports",
        follow_redirects=True,
    )
    assert "Only a failed export can be retried." in response.get_data(as_text=True)
    assert job_of(db).status is JobStatus.finished
    assert actions(db, job) == ["export.requested", "export.finished"]


def test_a_kind_whose_module_is_missing_is_unavailable(client, db, login_as, post, monkeypatch):
    monkeypatch.setitem(
        KINDS,
        "ghost",
        Kind("ghost", "grants.exports.no_such_module:build", "Ghost report", "Not there", ".pdf"),
    )
    call = ranked_example()
    login_as("staff")
    assert not KINDS["ghost"].available and KINDS["workbook"].available
    page = client.get(f"/staff/calls/{call.id}/exports").get_data(as_text=True)
    assert "Ghost report" in page and "Not available yet." in page
    assert (
        post(
            f"/staff/calls/{call.id}/exports/ghost", page=f"/staff/calls/{call.id}/exports"
        ).status_code
        == 404
    )
    assert (
        post(
            f"/staff/calls/{call.id}/exports/nonsense", page=f"/staff/calls/{call.id}/exports"
        ).status_code
        == 404
    )
    assert db.session.scalar(select(func.count()).select_from(ReportJob)) == 0


@pytest.mark.parametrize("kind", ["evaluation_report", "application_pdfs"])
def test_the_pdf_kinds_follow_the_builder_contract(db, files, kind):
    pytest.importorskip(KINDS[kind].module)
    call = ranked_example()
    request_export(call.id, kind, "tr", None)
    commit()
    job = job_of(db, kind)
    assert job.status is JobStatus.finished, job.error
    assert exports().get(job.file_path)[:4] in (b"%PDF", b"PK\x03\x04")


def _rq(app, monkeypatch, redis_url):
    from grants.jobs import queue

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    q = queue()
    q.empty()
    return q


def test_through_rq_and_a_lost_running_job_is_failed_then_retried(
    app, client, db, login_as, monkeypatch, redis_url
):
    from rq import SimpleWorker
    from rq.job import Job

    q = _rq(app, monkeypatch, redis_url)
    call = ranked_example()
    login_as("staff")
    job = request_export(call.id, "fake", "en", None)
    commit()
    assert job_of(db).status is JobStatus.queued and q.job_ids == [job.rq_id]
    Job.fetch(job.rq_id, connection=q.connection).delete()  # Redis lost it (restarted, flushed...)
    job_of(db).status = JobStatus.running  # ... while a worker had it
    db.session.commit()
    page = client.get("/staff/exports").get_data(as_text=True)
    assert "The job queue no longer has this export" in page and "Retry" in page  # shown failed
    assert (
        job_of(db).status is JobStatus.running
    )  # a GET writes nothing: the retry stores it failed first
    first = job.rq_id
    client.post(f"/staff/exports/{job.id}/retry", data={"csrf_token": _token(client)})
    job = job_of(db)
    assert job.status is JobStatus.queued and job.rq_id != first and q.job_ids == [job.rq_id]
    SimpleWorker([q], connection=q.connection).work(burst=True)
    assert (job_of(db).status, job_of(db).progress) == (JobStatus.finished, 100)


def test_a_job_started_by_a_dead_worker_is_failed(
    app, client, db, login_as, monkeypatch, redis_url
):
    from rq.job import Job
    from rq.job import JobStatus as RqStatus

    q = _rq(app, monkeypatch, redis_url)
    call = ranked_example()
    login_as("staff")
    job = request_export(call.id, "fake", "en", None)
    commit()
    rq_job = Job.fetch(job.rq_id, connection=q.connection)
    rq_job.worker_name = "gone-worker"
    rq_job.set_status(RqStatus.STARTED)
    rq_job.save()
    job_of(db).status = JobStatus.running
    db.session.commit()
    assert "no longer alive" in client.get("/staff/exports").get_data(as_text=True)
    assert job_of(db).status is JobStatus.running  # shown failed; a GET writes nothing
    result = app.test_cli_runner().invoke(
        args=["rq", "resend"]
    )  # what the worker does when it starts
    assert "Marked failed: 1 export(s) whose worker is gone" in result.output, result.output
    assert job_of(db).status is JobStatus.failed
    assert actions(db, job) == ["export.requested", "export.lost"]
    q.empty()


def _token(client) -> str:
    html = client.get("/staff/exports").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_job_whose_rq_worker_stopped_beating_is_lost_while_rq_thinks_it_alive(
    app, client, db, login_as, monkeypatch, redis_url
):
    """A worker killed with SIGKILL stays registered in Redis until the job's timeout (an hour):
    the job's own heartbeat tells sooner."""
    from datetime import timedelta

    from rq import SimpleWorker
    from rq.job import Job
    from rq.job import JobStatus as RqStatus

    from grants.models.base import now_utc

    q = _rq(app, monkeypatch, redis_url)
    monkeypatch.setitem(app.config, "EXPORT_HEARTBEAT", 1)  # lost after 6 s without a beat
    call = ranked_example()
    login_as("staff")
    job = request_export(call.id, "fake", "en", None)
    commit()
    worker = SimpleWorker([q], connection=q.connection, name="busy-worker")
    worker.register_birth()  # alive, as far as rq knows
    try:
        rq_job = Job.fetch(job.rq_id, connection=q.connection)
        rq_job.worker_name = worker.name
        rq_job.set_status(RqStatus.STARTED)
        rq_job.save()
        running = job_of(db)
        running.status, running.claimed_by = JobStatus.running, f"rq:{worker.name}"
        running.heartbeat_at = now_utc() - timedelta(seconds=2)
        db.session.commit()
        assert "no longer alive" not in client.get("/staff/exports").get_data(as_text=True)
        job_of(db).heartbeat_at = now_utc() - timedelta(seconds=7)
        db.session.commit()
        assert "no longer alive" in client.get("/staff/exports").get_data(as_text=True)
        client.post(f"/staff/exports/{job.id}/retry", data={"csrf_token": _token(client)})
        assert job_of(db).status is JobStatus.queued
        assert actions(db, job) == [
            "export.requested",
            "export.lost",
            "export.retried",
        ]
    finally:
        worker.register_death()
        q.empty()


def test_an_rq_worker_claims_the_export_it_makes(app, db, monkeypatch, redis_url):
    from rq import SimpleWorker

    q = _rq(app, monkeypatch, redis_url)
    call = ranked_example()
    request_export(call.id, "fake", "en", None)
    commit()
    SimpleWorker([q], connection=q.connection, name="maker").work(burst=True)
    job = job_of(db)
    assert (job.status, job.claimed_by) == (JobStatus.finished, "rq:maker")
    assert job.heartbeat_at is not None


def test_an_rq_job_of_an_earlier_run_makes_nothing(app, db, monkeypatch, redis_url):
    """rq may still hold the job of a run that was retried since (a new rq job): only the new one
    makes the export."""
    from rq import SimpleWorker

    from grants.exports.jobs import TIMEOUT, run

    q = _rq(app, monkeypatch, redis_url)
    call = ranked_example()
    job = request_export(call.id, "fake", "en", None)
    commit()
    q.empty()  # the current run's rq job: not run here
    q.enqueue(run, job.id, job_id="an-earlier-run", job_timeout=TIMEOUT)
    SimpleWorker([q], connection=q.connection).work(burst=True)
    assert (job_of(db).status, job_of(db).claimed_by) == (JobStatus.queued, None)
    assert STATE.get("seen") is None  # the builder never ran
