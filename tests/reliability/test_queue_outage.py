"""Drills: Redis goes away while staff request a report, and a worker dies in the middle of a
job."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from rq import SimpleWorker
from rq.job import Job
from rq.job import JobStatus as RqStatus
from sqlalchemy import select

from grants.jobs import queue
from grants.models import JobStatus, MailStatus, OutboxMessage, ReportJob
from tests.factories.exports import ranked_example

pytestmark = pytest.mark.usefixtures("files")  # the "fake" export kind

DOWN = "redis://127.0.0.1:9/0"  # nothing listens on the discard port: connection refused at once


def _token(client, url: str) -> str:
    return re.search(
        r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)
    ).group(1)


def _older(db, model) -> None:
    """Age the pending rows past the half minute a request may still be queueing them."""
    for row in db.session.scalars(select(model)):
        row.created_at -= timedelta(minutes=1)
    db.session.commit()


def test_redis_down_while_requesting_a_report_then_back(
    app, client, db, login_as, monkeypatch, redis_url
):
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    q = queue()
    q.empty()
    call = ranked_example()
    login_as("staff")
    page = f"/staff/calls/{call.id}/exports"
    monkeypatch.setitem(app.config, "REDIS_URL", DOWN)
    response = client.post(
        f"{page}/fake",
        data={"csrf_token": _token(client, page), "language": "en"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "the job queue cannot be reached right now" in response.get_data(as_text=True)
    job = db.session.scalar(select(ReportJob))
    assert job.status is JobStatus.queued
    for url in ("/staff/exports", page, "/staff/exports/list", f"/staff/calls/{call.id}"):
        assert client.get(url).status_code in (200, 286), url  # the pages still work
    assert db.session.scalar(select(ReportJob)).status is JobStatus.queued  # not given up meanwhile

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)  # Redis is back
    _older(db, ReportJob)
    assert client.get("/staff/exports/list").status_code == 200  # the watching page queues it again
    assert q.job_ids == [job.rq_id]
    SimpleWorker([q], connection=q.connection).work(burst=True)
    job = db.session.scalar(select(ReportJob))
    assert (job.status, job.progress) == (JobStatus.finished, 100)
    assert "Download" in client.get("/staff/exports").get_data(as_text=True)


def test_emails_sent_while_redis_was_down_go_out_when_the_worker_starts(
    app, db, monkeypatch, redis_url
):
    from grants import mail
    from grants.jobs import commit

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    q = queue()
    q.empty()
    for key in q.connection.scan_iter(
        "rq:job:mail-*"
    ):  # finished e-mail jobs of earlier runs (same ids)
        q.connection.delete(key)
    monkeypatch.setitem(app.config, "REDIS_URL", DOWN)
    with app.test_request_context():
        mail.send(
            "someone@example.org",
            "Hello",
            "email/evaluation_assigned.txt",
            user=None,
            call=type("C", (), {"reference": "X"})(),
            count=1,
            link="http://x",
        )
        assert commit() is False  # the request succeeds; the message waits
    assert db.session.scalar(select(OutboxMessage)).status is MailStatus.queued
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    _older(db, OutboxMessage)
    result = app.test_cli_runner().invoke(args=["rq", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "Queued again: 1 waiting job(s)." in result.output
    assert (
        db.session.scalar(select(OutboxMessage)).status is MailStatus.logged
    )  # no MAIL_SERVER: delivered to the log


def test_a_worker_killed_mid_job_shows_failed_and_the_retry_runs(
    app,
    client,
    db,
    login_as,
    monkeypatch,
    redis_url,
):
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    q = queue()
    q.empty()
    call = ranked_example()
    login_as("staff")
    page = f"/staff/calls/{call.id}/exports"
    client.post(f"{page}/fake", data={"csrf_token": _token(client, page), "language": "en"})
    job = db.session.scalar(select(ReportJob))
    # what a worker killed with SIGKILL leaves: the export running, the rq job started by a worker
    # gone
    job.status, job.progress = JobStatus.running, 40
    db.session.commit()
    rq_job = Job.fetch(job.rq_id, connection=q.connection)
    rq_job.worker_name = "killed-worker"
    rq_job.set_status(RqStatus.STARTED)
    rq_job.save()
    q.remove(rq_job)
    listing = client.get("/staff/exports").get_data(as_text=True)
    assert "no longer alive" in listing and "Retry" in listing
    job = db.session.scalar(select(ReportJob))
    assert (
        job.status is JobStatus.running
    )  # shown failed; a GET writes nothing: the retry stores it failed first
    client.post(
        f"/staff/exports/{job.id}/retry", data={"csrf_token": _token(client, "/staff/exports")}
    )
    SimpleWorker([q], connection=q.connection).work(burst=True)
    job = db.session.scalar(select(ReportJob))
    assert (job.status, job.progress) == (JobStatus.finished, 100)
