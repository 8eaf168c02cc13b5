"""Read-only lists: the applicant's dashboard and the staff list of a call's submitted applications.

Each list costs a fixed number of queries whatever the number of rows (eager loads and one page
query).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from grants.applications.access import current_stage, invited_to_full_application
from grants.applications.services import first_stage, start_issues
from grants.calls.queries import public_calls
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    Lot,
    MessageLog,
    Organisation,
    OutboxMessage,
    Partner,
    Stage,
    StageStatus,
    User,
)
from grants.rules.problems import Issue
from grants.rules.text import fold

PAGE_SIZE = 50


# Dashboard ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    application: Application
    stage: ApplicationStage | None
    partner: Partner | None = None  # the organisation's place in someone else's application

    @property
    def invited(self) -> bool:
        return invited_to_full_application(self.application)

    @property
    def deadline(self) -> datetime:
        stage = self.stage.stage if self.stage else Stage.full_application
        return self.application.call.submission_deadline(stage)


@dataclass(frozen=True)
class Dashboard:
    led: list[Row] = field(default_factory=list)
    partnered: list[Row] = field(default_factory=list)
    calls: list[tuple[Call, list[Issue]]] = field(
        default_factory=list
    )  # open calls and why one cannot start


def dashboard(user: User, now: datetime) -> Dashboard:
    if not user.acts_for_organisation:
        return Dashboard()
    org_id = user.organisation_id
    led = (
        db.session.scalars(
            select(Application)
            .where(Application.lead_id == org_id)
            .options(joinedload(Application.call), joinedload(Application.stages))
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
        .unique()
        .all()
    )
    partnered = (
        db.session.execute(
            select(Application, Partner)
            .join(Partner, Partner.application_id == Application.id)
            .where(Partner.organisation_id == org_id)
            .options(
                joinedload(Application.call),
                joinedload(Application.lead),
                joinedload(Application.stages),
            )
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
        .unique()
        .all()
    )
    others = Counter(
        a.call_id for a in led if not any(s.status is StageStatus.withdrawn for s in a.stages)
    )
    open_calls, _upcoming = public_calls(now)
    calls = [
        (call, start_issues(user, call, now, others[call.id]))
        for call in open_calls
        if now < call.submission_deadline(first_stage(call))
    ]
    return Dashboard(
        led=[Row(a, current_stage(a)) for a in led],
        partnered=[Row(a, current_stage(a), p) for a, p in partnered],
        calls=calls,
    )


# Staff list
# ----------------------------------------------------------------------------------------

SORTS = {
    "reference": lambda: Application.number,
    "submitted": lambda: ApplicationStage.submitted_at,
    "grant": lambda: func.coalesce(ApplicationStage.requested_grant, Application.requested_grant),
    "lead": lambda: Organisation.name,
}


@dataclass(frozen=True)
class StaffFilters:
    stage: Stage
    status: StageStatus | None = None
    lot_id: int | None = None
    country: str | None = None
    text: str = ""
    sort: str = "reference"
    descending: bool = False
    page: int = 1


@dataclass(frozen=True)
class StaffPage:
    rows: list[tuple[Application, ApplicationStage, Organisation, Lot | None]]
    total: int
    page: int
    pages: int
    countries: list[str]


# submitted, or reopened by the lead after a submission: staff see the version last submitted
# (marked as such)
_SUBMITTED = ApplicationStage.submitted_at.is_not(None) | ApplicationStage.reopened_at.is_not(None)


def _submitted(call: Call, filters: StaffFilters) -> Select:
    query = (
        select(Application)
        .join(ApplicationStage, ApplicationStage.application_id == Application.id)
        .join(Organisation, Organisation.id == Application.lead_id)
        .where(Application.call_id == call.id, ApplicationStage.stage == filters.stage, _SUBMITTED)
    )
    if filters.status is not None:
        query = query.where(ApplicationStage.status == filters.status)
    if filters.lot_id is not None:
        query = query.where(Application.lot_id == filters.lot_id)
    if filters.country:
        query = query.where(Organisation.country == filters.country)
    if (
        filters.text
    ):  # title and lead's name whatever the case and the Turkish or accented letters (folded keys)
        folded = fold(filters.text) or filters.text
        query = query.where(
            Application.title_key.contains(folded, autoescape=True)
            | Application.reference.icontains(filters.text, autoescape=True)
            | Organisation.name_key.contains(folded, autoescape=True)
        )
    return query


def staff_page(call: Call, filters: StaffFilters) -> StaffPage:
    """One page of the call's submitted applications: a count, the page's rows, the lead
    countries."""
    query = _submitted(call, filters)
    total = db.session.scalar(query.with_only_columns(func.count(Application.id)).order_by(None))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    key = SORTS.get(filters.sort, SORTS["reference"])()
    order = [key.desc() if filters.descending else key.asc(), Application.id]
    rows = db.session.execute(
        query.outerjoin(Lot, Lot.id == Application.lot_id)
        .with_only_columns(Application, ApplicationStage, Organisation, Lot)
        .order_by(*order)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    countries = db.session.scalars(
        select(Organisation.country)
        .join(Application, Application.lead_id == Organisation.id)
        .join(ApplicationStage, ApplicationStage.application_id == Application.id)
        .where(Application.call_id == call.id, _SUBMITTED)
        .distinct()
        .order_by(Organisation.country)
    ).all()
    return StaffPage([tuple(r) for r in rows], total, page, pages, countries)


@dataclass(frozen=True)
class LoggedMessage:
    sent_at: datetime
    kind: str
    subject: str
    recipient: str
    locale: str
    status: str  # the outbox's: queued, sent, logged, failed


def message_log(application_id: int, recipient_id: int | None = None) -> list[LoggedMessage]:
    """The e-mails sent about the application, newest first (one query): all of them, or those
    sent to one user (an applicant sees their own)."""
    query = (
        select(MessageLog, OutboxMessage.status)
        .join(OutboxMessage, MessageLog.outbox_message_id == OutboxMessage.id)
        .where(MessageLog.application_id == application_id)
        .order_by(MessageLog.sent_at.desc(), MessageLog.id.desc())
    )
    if recipient_id is not None:
        query = query.where(MessageLog.recipient_id == recipient_id)
    return [
        LoggedMessage(log.sent_at, log.kind, log.subject, log.recipient, log.locale, status.value)
        for log, status in db.session.execute(query)
    ]
