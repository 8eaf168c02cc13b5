"""Export requests as staff see them: the list (one query, whatever its length) and one request."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from grants.exports.jobs import PENDING, settle_lost
from grants.exports.kinds import KINDS, Kind
from grants.extensions import db
from grants.models import Call, ReportJob, User

SHOWN = 100  # the most recent requests listed


@dataclass(frozen=True)
class Request:
    job: ReportJob
    call_reference: str | None
    requested_by: str | None
    timezone: str | None = None  # the call's, in which the request's time is shown

    @property
    def kind(self) -> Kind | None:
        return KINDS.get(self.job.kind)

    @property
    def pending(self) -> bool:
        return self.job.status in PENDING


def requests(call_id: int | None = None) -> list[Request]:
    """The most recent requests (of one call, or of all), newest first; pending jobs whose worker is lost
    are marked failed on the way (committed)."""
    query = (select(ReportJob, Call.reference, User.name, Call.timezone).outerjoin(Call, ReportJob.call_id == Call.id)
             .outerjoin(User, ReportJob.requested_by_id == User.id)
             .order_by(ReportJob.created_at.desc(), ReportJob.id.desc()).limit(SHOWN))
    if call_id is not None:
        query = query.where(ReportJob.call_id == call_id)
    rows = [Request(*row) for row in db.session.execute(query)]
    if settle_lost([r.job for r in rows]):
        db.session.commit()
    return rows


def get_job(job_id: int) -> ReportJob | None:
    return db.session.get(ReportJob, job_id)
