"""Whether an export job is lost with its worker (reads only): an rq job gone from Redis, failed,
stopped, or started by a worker that is no longer alive; without Redis, a running job whose worker
thread stopped beating."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.job import JobStatus as RqStatus
from rq.worker import Worker

from grants.jobs import QueueUnavailable, queue, queued
from grants.models import JobStatus, ReportJob
from grants.models.base import now_utc

log = logging.getLogger(__name__)

ENDED = (RqStatus.FAILED, RqStatus.STOPPED, RqStatus.CANCELED)
PENDING = (JobStatus.queued, JobStatus.running)
BEATS = (
    6  # a running job unheard of for this many heartbeats (EXPORT_HEARTBEAT): its worker is gone
)


def stale_after() -> timedelta:
    """How long a running job may go without a heartbeat (90 s by default)."""
    return timedelta(seconds=BEATS * current_app.config["EXPORT_HEARTBEAT"])


def lost_reason(rq_id: str) -> str | None:
    """Why the rq job `rq_id` will never finish its export, or None while it may still."""
    connection = queue().connection
    try:
        job = Job.fetch(rq_id, connection=connection)
    except NoSuchJobError:
        return _(
            "The job queue no longer has this export (Redis or its worker was restarted). Retry it."
        )
    status = job.get_status(refresh=False)
    if status in ENDED:
        return _(
            "The worker stopped before the export was done (%(status)s). Retry it.",
            status=status.value,
        )
    if status is RqStatus.FINISHED:
        return _("The worker ended without recording the export. Retry it.")
    if status is RqStatus.STARTED and job.worker_name and not _alive(job.worker_name, connection):
        return _("The worker running this export is no longer alive. Retry it.")
    return None


def _alive(worker_name: str, connection) -> bool:
    return (
        Worker.find_by_key(
            Worker.redis_worker_namespace_prefix + worker_name, connection=connection
        )
        is not None
    )


def lost_reasons(jobs: list[ReportJob]) -> dict[int, str]:
    """Why each pending job of `jobs` will never finish, by id, in the reader's language; reads
    only.

    Without Redis: a running job whose worker thread stopped beating. With rq: a job rq no longer
    has, or that failed, stopped or ended without a result, or whose worker is no longer alive (a
    waiting job rq does not have is not lost: it is queued again). While Redis is unreachable
    nothing is decided."""
    pending = [job for job in jobs if job.status in PENDING and job.rq_id]
    if not pending:
        return {}
    if not current_app.config.get("REDIS_URL"):
        limit = now_utc() - stale_after()
        return {job.id: stale_reason() for job in pending if stale(job, limit)}
    try:
        reasons = {job.id: _rq_lost(job) for job in pending}
    except (QueueUnavailable, RedisError):
        log.warning("The job queue is unreachable: pending exports are left as they are")
        return {}
    return {job_id: reason for job_id, reason in reasons.items() if reason}


def _rq_lost(job: ReportJob) -> str | None:
    if job.status is JobStatus.queued and not queued(job.rq_id):
        return None  # not lost: waiting to be queued again
    if stale(job, now_utc() - stale_after()):
        # killed (SIGKILL, the machine lost): rq would think it alive until the job's timeout
        return _("The worker running this export is no longer alive. Retry it.")
    return lost_reason(job.rq_id)


def stale(job: ReportJob, limit: datetime) -> bool:
    return bool(
        job.status is JobStatus.running
        and job.claimed_by
        and job.heartbeat_at is not None
        and job.heartbeat_at < limit
    )


def stale_reason() -> str:
    return _(
        "The application stopped while making this export (it was restarted or ended). Retry it."
    )
