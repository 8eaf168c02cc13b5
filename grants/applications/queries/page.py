"""The reads of an application's page: its task list, the e-mails sent about it, who saved it last,
its grant once prepared."""

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.applications.budget import budget_problems, partnership, rule_lines
from grants.applications.conflicts import (
    Change,
)
from grants.extensions import db
from grants.models import (
    Application,
    AttachmentKind,
    AuditEvent,
    Grant,
    MessageLog,
    OutboxMessage,
    PartnerStatus,
)
from grants.models.applications import PROJECT_FIELDS
from grants.rules.budget import compute_totals
from grants.rules.logframe import is_complete


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
