"""Applications as read: whether an organisation may start one (and its open draft), the
applicant's dashboard, the staff list of a call's submitted applications, the task list, and who
saved last.

Each list costs a fixed number of queries whatever the number of rows (eager loads and one page
query).
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import joinedload

from grants.applications.access import current_stage, invited_to_full_application
from grants.applications.budget import budget_problems, partnership, rule_lines
from grants.applications.conflicts import (
    Change,
)
from grants.calls.queries import public_calls
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    AttachmentKind,
    AuditEvent,
    Call,
    CallStatus,
    Grant,
    Lot,
    MessageLog,
    Organisation,
    OutboxMessage,
    Partner,
    PartnerStatus,
    Procedure,
    Stage,
    StageStatus,
    User,
)
from grants.models.applications import PROJECT_FIELDS
from grants.paging import Pager
from grants.rules import starting
from grants.rules.budget import compute_totals
from grants.rules.logframe import is_complete
from grants.rules.problems import Issue
from grants.rules.text import fold

PAGE_SIZE = 50


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


def first_stage(call: Call) -> Stage:
    return Stage.concept_note if call.procedure is Procedure.restricted else Stage.full_application


def _member(user: User) -> starting.Member:
    org = user.organisation
    return starting.Member(
        email=user.email,
        email_confirmed=user.email_confirmed,
        member_verified=user.member_verified_at is not None,
        active=user.active,
        organisation=org.name if org else None,
        verified=bool(org and org.verified),
        rejected=bool(org and org.rejected_at is not None),
        identity_changed=bool(org and org.identity_changed_at),
    )


def acting_issue(user: User) -> Issue | None:
    """Why the user cannot act for an organisation, or None when they can
    (grants.rules.starting)."""
    return starting.acting_refusal(_member(user))


def start_issues(user: User, call: Call, now: datetime, others: int) -> list[Issue]:
    """Every reason the user's organisation cannot start an application in the call
    (grants.rules.starting); `others`: its applications in the call that are not withdrawn."""
    opening = starting.Opening(
        call.reference,
        call.status is CallStatus.published,
        call.opens_at,
        call.submission_deadline(first_stage(call)),
        call.timezone,
    )
    lead = user.organisation.party() if user.organisation else None
    return starting.start_refusals(
        _member(user), lead, opening, call.eligibility_rules(), others, now
    )


def not_withdrawn():
    """Condition on Application: none of its stages is withdrawn."""
    return ~exists().where(
        ApplicationStage.application_id == Application.id,
        ApplicationStage.status == StageStatus.withdrawn,
    )


def other_applications(org_id: int, call_id: int) -> int:
    return db.session.scalar(
        select(func.count(Application.id)).where(
            Application.lead_id == org_id, Application.call_id == call_id, not_withdrawn()
        )
    )


def open_draft(org_id: int, call_id: int) -> Application | None:
    """The lead's never-submitted draft in the call: there is at most one
    (uq_application_one_draft)."""
    return db.session.scalar(
        select(Application).where(
            Application.lead_id == org_id,
            Application.call_id == call_id,
            Application.number.is_(None),
        )
    )


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

    @property
    def pager(self) -> Pager:
        return Pager(self.rows, self.page, self.total, PAGE_SIZE)


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


def last_change(application: Application, user_id: int | None) -> Change:
    event = db.session.scalar(
        select(AuditEvent)
        .options(joinedload(AuditEvent.user))
        .where(AuditEvent.object_type == "Application", AuditEvent.object_id == str(application.id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return Change(None, None, False)
    return Change(
        event.user.name if event.user else None,
        event.at,
        user_id is not None and event.user_id == user_id,
    )


class TaskStatus(enum.Enum):
    not_started = "not_started"
    in_progress = "in_progress"
    completed = "completed"


@dataclass(frozen=True)
class Task:
    key: str  # project, logframe, partnership, budget, attachments
    status: TaskStatus


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _state(started: bool, done: bool) -> TaskStatus:
    if done:
        return TaskStatus.completed
    return TaskStatus.in_progress if started else TaskStatus.not_started


def project_status(application: Application) -> TaskStatus:
    values = [getattr(application, name) for name in PROJECT_FIELDS]
    if application.call.lots:
        values.append(application.lot_id)
    filled = sum(1 for value in values if _filled(value))
    return _state(filled > 0, filled == len(values))


def partnership_status(application: Application) -> TaskStatus:
    partners, call = application.partners, application.call
    count_ok = call.partners_min <= len(partners) <= call.partners_max
    confirmed = all(p.status is PartnerStatus.confirmed for p in partners)
    return _state(bool(partners), count_ok and confirmed)


def budget_status(application: Application) -> TaskStatus:
    lines = rule_lines(application)
    amounts = (application.indirect, application.contingency, application.requested_grant)
    started = bool(lines) or any(amounts)
    if not lines:
        return _state(started, False)
    totals = compute_totals(lines, *amounts)
    members = partnership(application)
    in_partnership = all(line.organisation_id in members for line in application.budget_lines)
    return _state(
        started,
        in_partnership and not budget_problems(lines, totals, application.call.budget_limits()),
    )


def logframe_status(application: Application) -> TaskStatus:
    """Completed once every result has an indicator with its unit, baseline and target."""
    started = bool(
        application.results or application.overall_objective or application.specific_objective
    )
    return _state(started, is_complete(application.logframe()))


def attachments_status(application: Application) -> TaskStatus:
    attachments = application.attachments
    declaration = any(a.kind is AttachmentKind.declaration for a in attachments)
    statements = {
        a.organisation_id for a in attachments if a.kind is AttachmentKind.partnership_statement
    }
    every_partner = all(p.organisation_id in statements for p in application.partners)
    return _state(bool(attachments), declaration and every_partner)


def task_list(application: Application) -> list[Task]:
    return [
        Task("project", project_status(application)),
        Task("logframe", logframe_status(application)),
        Task("partnership", partnership_status(application)),
        Task("budget", budget_status(application)),
        Task("attachments", attachments_status(application)),
    ]


def grant_of(application_id: int) -> Grant | None:
    """The application's grant (its contract), once prepared."""
    return db.session.scalar(select(Grant).where(Grant.application_id == application_id))
