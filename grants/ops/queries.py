"""What the checks and the metrics read: whether the database and Redis answer, and how much work
waits. Reads only."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import func, select

from grants.extensions import db
from grants.jobs import queue
from grants.models import JobStatus, MailStatus, OutboxMessage, ReportJob

log = logging.getLogger(__name__)
OK, UNREACHABLE = "ok", "unreachable"


def readiness() -> dict[str, str]:
    """Each service the app needs, "ok" or "unreachable": the database, and Redis if configured."""
    checks = {"database": OK}
    try:
        db.session.execute(select(1))
    except Exception:  # noqa: BLE001 - any failure means not ready
        log.warning("Readiness: the database does not answer", exc_info=True)
        db.session.rollback()
        checks["database"] = UNREACHABLE
    if current_app.config.get("REDIS_URL"):
        try:
            queue().connection.ping()
            checks["redis"] = OK
        except Exception:  # noqa: BLE001 - any failure means not ready
            log.warning("Readiness: Redis does not answer", exc_info=True)
            checks["redis"] = UNREACHABLE
    return checks


def pending_work() -> dict[str, int] | None:
    """The exports and e-mails not done yet (queued or running exports, queued e-mails): rows of the
    database, whether or not a queue holds them; None while the database does not answer."""
    try:
        return _pending()
    except Exception:  # noqa: BLE001 - metrics never fail a scrape for the database
        log.warning("Metrics: the database does not answer", exc_info=True)
        db.session.rollback()
        return None


def _pending() -> dict[str, int]:
    exports = db.session.scalar(
        select(func.count())
        .select_from(ReportJob)
        .where(ReportJob.status.in_((JobStatus.queued, JobStatus.running)))
    )
    emails = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.queued)
    )
    return {"exports": exports or 0, "emails": emails or 0}


def queue_length() -> int | None:
    """The jobs waiting in rq's queue; None without Redis, or while it is unreachable."""
    if not current_app.config.get("REDIS_URL"):
        return None
    try:
        return queue().count
    except Exception:  # noqa: BLE001 - metrics never fail a scrape for Redis
        log.warning("Metrics: Redis does not answer", exc_info=True)
        return None
