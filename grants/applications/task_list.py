"""The task list: each section's state computed from the application alone (no request, no queries
of its own beyond the application's loaded relationships)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from grants.applications.budget import budget_problems, partnership, rule_lines
from grants.models import Application, AttachmentKind, PartnerStatus
from grants.models.applications import PROJECT_FIELDS
from grants.rules.budget import compute_totals
from grants.rules.logframe import is_complete


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
