"""Whether an rq job is lost: gone from Redis, failed, stopped, or started by a worker that is no
longer alive."""

from __future__ import annotations

from flask_babel import gettext as _
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.job import JobStatus as RqStatus
from rq.worker import Worker

from grants.jobs import queue

ENDED = (RqStatus.FAILED, RqStatus.STOPPED, RqStatus.CANCELED)


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
