"""Background jobs: rq when REDIS_URL is set, in-process otherwise.

Services *defer* a job while they work; the job is sent only once the request's transaction has
committed (``commit()``), so a worker never sees ids of rows that do not exist yet, and a rolled
back request sends nothing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from grants.extensions import db

log = logging.getLogger(__name__)
_KEY = "deferred_jobs"


def defer(func: Callable[..., Any], *args: Any, job_id: str | None = None, timeout: int | None = None) -> None:
    """Send func(*args) once the unit of work commits; with rq, under `job_id` and with `timeout` seconds."""
    db.session.connection()  # join the unit of work's transaction, so that a rollback drops the job
    db.session.info.setdefault(_KEY, []).append((func, args, {"job_id": job_id, "timeout": timeout}))


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_KEY, None)


def commit() -> None:
    """Commit the unit of work, then send the jobs it deferred."""
    db.session.commit()
    jobs = db.session.info.pop(_KEY, [])
    for func, args, options in jobs:
        enqueue(func, *args, **options)


def queue():
    from redis import Redis
    from rq import Queue

    return Queue("default", connection=Redis.from_url(current_app.config["REDIS_URL"]))


def enqueue(func: Callable[..., Any], *args: Any, job_id: str | None = None, timeout: int | None = None) -> str | None:
    if current_app.config.get("REDIS_URL"):
        return queue().enqueue(func, *args, job_id=job_id, job_timeout=timeout).id
    try:
        func(*args)  # the embedded default: run now, in this process
    except Exception:  # a job records its own failure (e.g. OutboxMessage.failed)
        log.exception("In-process job %s failed", getattr(func, "__name__", func))
    return None
