"""When the scan runs: rq's own scheduler with Redis, the app's runner thread without it, and
`flask reminders send` (cron, tests) either way.

With Redis, `flask rq worker` starts the worker with its scheduler and makes sure one scan is
scheduled (`ensure_scheduled`); each scan, when it has run, schedules the next one REMINDER_INTERVAL
seconds later (`queue.enqueue_in`). Several scans at once do no harm: each reminder's key is
claimed once in the sent-reminders table.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from flask import current_app

from grants import jobs
from grants.extensions import db
from grants.reminders.services import scan

log = logging.getLogger(__name__)
PREFIX = "reminders-scan-"


def interval() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("REMINDER_INTERVAL", 3600)))


def run_scan() -> int:
    """One scan, committed; its e-mails are then delivered (queued with Redis, sent without)."""
    sent = scan()
    jobs.commit()
    if sent:
        log.info("Reminders: %d sent", sent)
    return sent


def periodic() -> None:
    """rq task: scan, then schedule the next scan (also after a failed one)."""
    try:
        run_scan()
    except Exception:
        db.session.rollback()  # the worker's session serves the next job
        raise
    finally:
        schedule_next()


def schedule_next() -> str:
    job = jobs.queue().enqueue_in(interval(), periodic, job_id=f"{PREFIX}{uuid.uuid4().hex}")
    return job.id


def ensure_scheduled() -> str | None:
    """Schedule a scan now unless one is scheduled, waiting or running already (a chain of scans
    goes on); its job id, or None if there was one."""
    queue = jobs.queue()
    known = (
        queue.scheduled_job_registry.get_job_ids()
        + queue.get_job_ids()
        + queue.started_job_registry.get_job_ids()
    )
    if any(i.startswith(PREFIX) for i in known):
        return None
    return queue.enqueue_in(timedelta(0), periodic, job_id=f"{PREFIX}{uuid.uuid4().hex}").id
