"""Export requests as staff see them: the list (one query, whatever its length) and one request.
Reads only: a pending job whose worker is gone is shown failed, with the reason, and stored so by
the next write that concerns it (its retry, the worker, `flask rq resend`; grants/exports/jobs.py
settle_lost)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from grants.exports.kinds import KINDS, Kind
from grants.exports.lost import PENDING, lost_reasons
from grants.extensions import db
from grants.models import Call, JobStatus, ReportJob, User

SHOWN = 100  # the most recent requests listed


@dataclass(frozen=True)
class Request:
    job: ReportJob
    call_reference: str | None
    requested_by: str | None
    timezone: str | None = None  # the call's, in which the request's time is shown
    lost: str | None = None  # why the pending job will never finish: its worker is gone

    @property
    def kind(self) -> Kind | None:
        return KINDS.get(self.job.kind)

    @property
    def status(self) -> JobStatus:
        return JobStatus.failed if self.lost else self.job.status

    @property
    def error(self) -> str | None:
        return self.lost or self.job.error

    @property
    def pending(self) -> bool:
        return self.status in PENDING


def requests(call_id: int | None = None) -> list[Request]:
    """The most recent requests (of one call, or of all), newest first; those whose worker is lost
    shown failed."""
    query = (
        select(ReportJob, Call.reference, User.name, Call.timezone)
        .outerjoin(Call, ReportJob.call_id == Call.id)
        .outerjoin(User, ReportJob.requested_by_id == User.id)
        .order_by(ReportJob.created_at.desc(), ReportJob.id.desc())
        .limit(SHOWN)
    )
    if call_id is not None:
        query = query.where(ReportJob.call_id == call_id)
    rows = list(db.session.execute(query))
    lost = lost_reasons([row[0] for row in rows])
    return [Request(*row, lost=lost.get(row[0].id)) for row in rows]


def get_job(job_id: int) -> ReportJob | None:
    return db.session.get(ReportJob, job_id)
