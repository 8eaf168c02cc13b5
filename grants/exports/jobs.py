"""Export requests as ReportJobs: request, run, retry, and jobs lost with their worker.

A request adds a queued ReportJob and, once the caller commits, has it made outside the request:
- with REDIS_URL, by an rq worker (`run(job id)` under the job's rq_id);
- without it, by the app's worker thread (grants/exports/worker.py), woken at once: it claims the
  job with one conditional UPDATE (`claim`), so that two processes never make the same job, and
  beats a heartbeat while it works; a job left running by a thread that stopped beating is failed
  (`fail_stale`);
- with JOBS_IN_THREAD off (the tests), by `run` inside the request, after the commit.
Making the file (`_build`: the builder writes a temporary file, which is then kept in the exports
space of grants/files.py) commits the progress on a connection of its own and ends finished (the
file's key and name) or failed (the error's message; its traceback goes to the log). A failed job
can be run again. A kind made in parts (the ZIP of application PDFs) is shared by workers: parts.py.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from redis.exceptions import RedisError
from rq import get_current_job
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from grants import files
from grants.audit import record
from grants.exports import parts
from grants.exports.kinds import KINDS, ExportError
from grants.exports.lost import PENDING, lost_reasons, stale_after, stale_reason
from grants.extensions import db
from grants.jobs import RESEND_AFTER, QueueUnavailable, defer, enqueue, queued, register_resender
from grants.models import JobStatus, ReportJob
from grants.models.base import now_utc
from grants.rules.problems import N_

log = logging.getLogger(__name__)
TIMEOUT = 60 * 60  # seconds rq lets one export run: a call of 10,000 applications takes minutes


def request_export(call_id: int, kind: str, locale: str, user_id: int | None) -> ReportJob:
    """A queued job for `kind` of the call, run once the caller commits (grants.jobs.commit)."""
    job = ReportJob(kind=kind, call_id=call_id, params={"locale": locale}, requested_by_id=user_id)
    db.session.add(job)
    db.session.flush()
    record(
        "export.requested",
        job,
        after={"kind": kind, "call_id": call_id, "locale": locale},
        user_id=user_id,
    )
    _schedule(job)
    return job


def retry(job: ReportJob, user_id: int | None) -> None:
    """Run a failed job again, from the start (one whose worker is lost is first stored failed); the
    caller commits."""
    if job.status in PENDING:
        settle_lost([job])
    if job.status is not JobStatus.failed:
        raise ExportError(N_("Only a failed export can be retried."))
    before = {"status": job.status, "error": job.error}
    job.status, job.progress, job.error, job.finished_at = JobStatus.queued, 0, None, None
    record("export.retried", job, before=before, after={"status": job.status}, user_id=user_id)
    _schedule(job)


def in_thread() -> bool:
    """Whether exports are made by the app's worker thread (no Redis, JOBS_IN_THREAD on)."""
    return bool(current_app.config.get("JOBS_IN_THREAD")) and not current_app.config.get(
        "REDIS_URL"
    )


_WAKERS: list[Callable[[Flask], None]] = []


def wakes_thread(wake: Callable[[Flask], None]) -> Callable[[Flask], None]:
    """Declare how the app's worker thread is woken (grants/exports/worker.py), so that this module
    need not import the worker that imports it."""
    _WAKERS[:] = [wake]
    return wake


def _schedule(job: ReportJob) -> None:
    job.rq_id = uuid.uuid4().hex  # a new id per run: a retry is a new rq job
    job.claimed_by = job.heartbeat_at = None
    if in_thread():
        for wake in _WAKERS:  # the row is the queue: the thread takes it from there
            defer(wake, current_app._get_current_object())
    else:
        defer(run, job.id, job_id=job.rq_id, timeout=TIMEOUT)


def stored_file(job: ReportJob) -> str | None:
    """The key of the finished job's file in the exports space, or None if it is not (or no longer)
    there."""
    if job.status is not JobStatus.finished or not job.file_path:
        return None
    return job.file_path if files.exports().exists(job.file_path) else None


# The task
# ------------------------------------------------------------------------------------------


def run(job_id: int) -> None:
    """rq task (and the in-request run): build the job's file; a failure is recorded on the job,
    never raised. An rq worker claims the job under its name and beats a heartbeat while it works,
    so that a worker killed meanwhile is seen lost within a minute and a half (lost.py), not only
    when rq's record of it expires with the job's timeout."""
    job = db.session.get(ReportJob, job_id)
    if job is None or job.status not in PENDING:
        return
    current = get_current_job()
    if current is not None and current.id != job.rq_id:
        return  # an rq job of an earlier run (retried since): that run is another rq job's
    job.status, job.progress, job.error = JobStatus.running, 0, None
    if current is None:
        _build(job)
        return
    job.claimed_by, job.heartbeat_at = f"rq:{current.worker_name or current.id}", now_utc()
    with beating(job.id, job.claimed_by):
        _build(job)


@contextmanager
def beating(job_id: int, worker: str):
    """A heartbeat of the running job every EXPORT_HEARTBEAT seconds, from a thread, while the
    block runs."""
    bind, done = db.session.get_bind(), threading.Event()
    seconds = current_app.config["EXPORT_HEARTBEAT"]

    def beat_on() -> None:
        while not done.wait(seconds):
            try:
                beat(bind, job_id, worker)
            except Exception:  # a missed beat is no failure; stale_after allows several
                log.warning(
                    "Heartbeat of export %s by %s not written", job_id, worker, exc_info=True
                )

    thread = threading.Thread(target=beat_on, name=f"export-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def next_queued() -> int | None:
    """The oldest job waiting to be made, if any."""
    return db.session.scalar(
        select(ReportJob.id)
        .where(ReportJob.status == JobStatus.queued)
        .order_by(ReportJob.id)
        .limit(1)
    )


def claim(job_id: int, worker: str) -> bool:
    """Take the waiting job for `worker`, committed: one conditional UPDATE, so that of two worker
    threads (of two processes) asking at the same moment exactly one gets it. Whether this one
    did."""
    taken = (
        db.session.execute(
            update(ReportJob)
            .where(ReportJob.id == job_id, ReportJob.status == JobStatus.queued)
            .values(
                status=JobStatus.running,
                progress=0,
                error=None,
                claimed_by=worker,
                heartbeat_at=now_utc(),
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    db.session.commit()
    return taken


def run_claimed(job_id: int, worker: str) -> None:
    """Build the job that `worker` claimed (nothing if it is no longer running for it)."""
    job = db.session.get(ReportJob, job_id, populate_existing=True)
    if job is None or job.status is not JobStatus.running or job.claimed_by != worker:
        return
    _build(job)


def beat(bind, job_id: int, worker: str) -> None:
    """The worker thread making the job is alive: on a session of its own on `bind` (an engine or a
    connection; no app context needed), committed at once."""
    with Session(bind=bind) as session:
        session.execute(
            update(ReportJob)
            .where(
                ReportJob.id == job_id,
                ReportJob.status == JobStatus.running,
                ReportJob.claimed_by == worker,
            )
            .values(heartbeat_at=now_utc())
        )
        session.commit()


def _build(job: ReportJob) -> None:
    """Make the file of the running job; ends finished or failed, committed."""
    job_id = job.id
    kind = KINDS.get(job.kind)
    locale = job.params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
    _remove(job)
    db.session.commit()
    name = f"{job.id}-{secrets.token_hex(8)}{kind.suffix if kind else ''}"
    try:
        builder = kind.builder() if kind else None
        if builder is None:
            raise ExportError(N_("This kind of export (%(kind)s) is not available."), kind=job.kind)
        with tempfile.TemporaryDirectory(prefix="twin-export-") as folder:
            path = Path(folder) / name  # the builder writes here; the store keeps it (streamed)
            with force_locale(locale):
                make = partial(parts.build, job) if kind.in_parts else partial(builder, job.call_id)
                offered = make(locale, _progress_writer(job_id), path)
            files.exports().put_file(name, path)
    except parts.Superseded:  # another run of the job holds it now: its result is that run's
        db.session.rollback()
        return
    except Exception as error:  # any failure is the job's: shown to staff, its traceback logged
        db.session.rollback()
        log.exception(
            "Export %s (%s) of call %s failed", job_id, getattr(kind, "name", "?"), job.call_id
        )
        _finish(job_id, JobStatus.failed, error=_message(error, locale))
        return
    _finish(job_id, JobStatus.finished, file_path=name, file_name=secure_filename(offered) or name)


def _progress_writer(job_id: int):
    """progress(percent): committed at once on a session of its own, so the downloads page sees
    it."""
    bind = db.session.get_bind()

    def progress(percent: int) -> None:
        with Session(bind=bind) as session:
            session.execute(
                update(ReportJob)
                .where(ReportJob.id == job_id, ReportJob.status == JobStatus.running)
                .values(progress=max(0, min(int(percent), 99)), heartbeat_at=now_utc())
            )
            session.commit()

    return progress


def _finish(job_id: int, status: JobStatus, **values: object) -> None:
    job = db.session.get(ReportJob, job_id, populate_existing=True)
    before = {"status": job.status}
    job.status, job.finished_at = status, now_utc()
    job.progress = 100 if status is JobStatus.finished else job.progress
    for key, value in values.items():
        setattr(job, key, value)
    record(
        f"export.{status.value}",
        job,
        before=before,
        after={"status": status, "error": job.error},
        user_id=job.requested_by_id,
    )
    db.session.commit()


def _message(error: Exception, locale: str) -> str:
    if isinstance(error, ExportError):
        with force_locale(locale):
            return _(error.message, **error.params)
    return str(error) or type(error).__name__


def _remove(job: ReportJob) -> None:
    if job.file_path:
        files.exports().delete(job.file_path)
        job.file_path = job.file_name = None


# Jobs whose worker died
# -----------------------------------------------------------------------------


@register_resender
def resend_queued_exports() -> int:
    """Queue again the exports still waiting (for half a minute or more) that rq does not have:
    requested while Redis was down, or lost with it before a worker took them. QueueUnavailable if
    it still is."""
    waiting = db.session.scalars(
        select(ReportJob).where(
            ReportJob.status == JobStatus.queued,
            ReportJob.rq_id.is_not(None),
            ReportJob.created_at < now_utc() - RESEND_AFTER,
        )
    ).all()
    missing = [job for job in waiting if not queued(job.rq_id)]
    for job in missing:
        enqueue(run, job.id, job_id=job.rq_id, timeout=TIMEOUT)
    return len(missing)


def fail_stale(now: datetime | None = None) -> int:
    """Mark failed the jobs left running by a worker thread that stopped beating (its process ended:
    a restart, a crash), so that staff can retry them; how many. The caller commits."""
    limit = (now or now_utc()) - stale_after()
    stale = db.session.scalars(
        select(ReportJob).where(
            ReportJob.status == JobStatus.running,
            ReportJob.claimed_by.is_not(None),
            ReportJob.heartbeat_at < limit,
        )
    ).all()
    failed = 0
    for job in stale:
        with force_locale(job.params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
            reason = stale_reason()
        changed = db.session.execute(  # unless its worker beat or finished meanwhile
            update(ReportJob)
            .where(
                ReportJob.id == job.id,
                ReportJob.status == JobStatus.running,
                ReportJob.heartbeat_at < limit,
            )
            .values(status=JobStatus.failed, error=reason, finished_at=now_utc())
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            record(
                "export.lost",
                job,
                before={"status": job.status},
                after={"status": JobStatus.failed, "error": reason, "worker": job.claimed_by},
            )
            failed += 1
        db.session.refresh(job)
    return failed


def resend_waiting(jobs: list[ReportJob]) -> None:
    """With rq, hand the queue again the waiting jobs it lost (requested while Redis was down, or
    lost with it): the downloads page does while someone watches it. Nothing is written to the
    database."""
    if not current_app.config.get("REDIS_URL") or not any(
        job.status is JobStatus.queued for job in jobs
    ):
        return
    try:
        resend_queued_exports()
    except (QueueUnavailable, RedisError):
        log.warning("The job queue is unreachable: waiting exports stay waiting")


def settle_lost(jobs: list[ReportJob] | None = None) -> int:
    """Store as failed (audited 'export.lost') the pending jobs of `jobs` (default: all) whose
    worker is lost, so that staff can retry them; how many. The caller commits."""
    if jobs is None:
        jobs = list(db.session.scalars(select(ReportJob).where(ReportJob.status.in_(PENDING))))
    if not current_app.config.get("REDIS_URL"):
        return fail_stale() if any(job.claimed_by for job in jobs if job.status in PENDING) else 0
    settled = 0
    for job_id, reason in lost_reasons(jobs).items():
        job = db.session.get(ReportJob, job_id)
        changed = db.session.execute(  # unless the worker finished it meanwhile
            update(ReportJob)
            .where(ReportJob.id == job.id, ReportJob.status.in_(PENDING))
            .values(status=JobStatus.failed, error=reason, finished_at=now_utc())
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            record(
                "export.lost",
                job,
                before={"status": job.status},
                after={"status": JobStatus.failed, "error": reason},
            )
            settled += 1
        db.session.refresh(job)
    return settled
