"""Background jobs: rq when REDIS_URL is set, in-process otherwise.

Services *defer* a job while they work; the job is sent only once the request's transaction has
committed (``commit()``, which the request boundary grants/unit_of_work.py calls after the route),
so a worker never sees ids of rows that do not exist yet, and a rolled back request sends nothing.

Every job's work is also a row (an OutboxMessage, a ReportJob) that says whether it is done. When
Redis cannot be reached the request still succeeds: the row stays pending, and `resend_pending`
queues it again through the resenders that features declare with `register_resender` (grants.mail
for e-mails, grants.exports.jobs for exports; the app factory imports both, with the blueprints).
The worker calls it when it starts (`flask rq worker`), and `flask rq resend` on demand. This module
imports no feature.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from grants.extensions import db

log = logging.getLogger(__name__)
_KEY = "deferred_jobs"
RESEND_AFTER = timedelta(seconds=30)  # younger pending work may still be on its way to the queue
_RESENDERS: list[Callable[[], int]] = []


def register_resender(resend: Callable[[], int]) -> Callable[[], int]:
    """Declare a feature's pending-work resender (it queues again what rq lost and returns how
    many); used as a decorator beside the job it resends, so that this module knows no feature."""
    if resend not in _RESENDERS:
        _RESENDERS.append(resend)
    return resend


def defer(
    func: Callable[..., Any], *args: Any, job_id: str | None = None, timeout: int | None = None
) -> None:
    """Send func(*args) once the unit of work commits; with rq, under `job_id` and with `timeout`
    seconds."""
    db.session.connection()  # join the unit of work's transaction, so that a rollback drops the job
    db.session.info.setdefault(_KEY, []).append(
        (func, args, {"job_id": job_id, "timeout": timeout})
    )


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_KEY, None)


class QueueUnavailable(Exception):
    """Redis could not be reached: the job was not queued (its row stays pending)."""


def commit() -> bool:
    """Commit the unit of work, then send the jobs it deferred; False if the queue took not all of
    them."""
    db.session.commit()
    jobs = db.session.info.pop(_KEY, [])
    delivered = True
    for func, args, options in jobs:
        try:
            enqueue(func, *args, **options)
        except QueueUnavailable:
            delivered = False
    return delivered


def queue():
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(
        current_app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=10
    )
    return Queue("default", connection=connection)


def queued(job_id: str) -> bool:
    """Whether rq still has the job (waiting, running or just finished); QueueUnavailable without
    Redis."""
    from redis.exceptions import RedisError
    from rq.job import Job

    try:
        return Job.exists(job_id, connection=queue().connection)
    except RedisError as error:
        raise QueueUnavailable(str(error)) from error


def enqueue(
    func: Callable[..., Any], *args: Any, job_id: str | None = None, timeout: int | None = None
) -> str | None:
    if current_app.config.get("REDIS_URL"):
        from redis.exceptions import RedisError

        try:
            return queue().enqueue(func, *args, job_id=job_id, job_timeout=timeout).id
        except RedisError as error:
            log.warning(
                "Job queue unreachable, %s(%s) stays pending: %s", func.__name__, args, error
            )
            raise QueueUnavailable(str(error)) from error
    try:
        func(*args)  # the embedded default: run now, in this process
    except Exception:  # a job records its own failure (e.g. OutboxMessage.failed)
        log.exception("In-process job %s failed", getattr(func, "__name__", func))
    return None


def resend_pending() -> int:
    """Queue again the pending work that rq does not have (never queued, or lost with Redis): queued
    e-mails and queued exports. Returns how many were sent; QueueUnavailable if Redis is still
    down."""
    if not current_app.config.get("REDIS_URL"):
        return 0
    return sum(resend() for resend in _RESENDERS)
