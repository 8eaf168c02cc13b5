"""The finders of reminder subjects, one per family of grants.rules.reminders.KINDS.

A finder takes the clock and returns `Found`s: a subject with a deadline (a draft stage, an open
assignment), the call's timings, the users to remind, and what their e-mail says. Reports and
payments (grants, a later issue) plug in here with `@finder("report")` and `@finder("payment")`,
and their kinds in grants.rules.reminders.KINDS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from grants.auth.queries import acting_members
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallStatus,
    Evaluation,
    StageStatus,
)
from grants.rules import reminders as rules


@dataclass(frozen=True)
class Found:
    family: str
    subject_id: int
    deadline: datetime
    timings: tuple[rules.Timing, ...]
    user_ids: tuple[int, ...]
    application_id: int
    context: dict[str, Any] = field(default_factory=dict)  # for the e-mail's template


@dataclass(frozen=True)
class Mailing:
    """What one kind's e-mail says: its template and its subject line (lazy, with parameters
    taken from the Found's context)."""

    template: str
    subject: Callable[[dict[str, Any]], Any]


FINDERS: dict[str, Callable[[datetime], list[Found]]] = {}
MAILINGS: dict[str, Mailing] = {
    "draft-first": Mailing(
        "email/draft_reminder.txt",
        lambda c: _l(
            "Reminder: your application %(title)s is not submitted yet",
            title=c["application"].title,
        ),
    ),
    "evaluation-due": Mailing(
        "email/evaluation_reminder.txt",
        lambda c: _l(
            "Reminder: an evaluation is due in the call %(call)s", call=c["call"].reference
        ),
    ),
    "evaluation-overdue": Mailing(
        "email/evaluation_overdue.txt",
        lambda c: _l("An evaluation in the call %(call)s is overdue", call=c["call"].reference),
    ),
}
MAILINGS["draft-last"] = MAILINGS["draft-first"]


def finder(family: str):
    def register(find: Callable[[datetime], list[Found]]):
        FINDERS[family] = find
        return find

    return register


@finder("draft")
def drafts(now: datetime) -> list[Found]:
    """Stages still in draft in the published calls whose deadline is ahead; the lead's acting
    members are reminded."""
    rows = db.session.execute(
        select(ApplicationStage, Application, Call)
        .join(Application, ApplicationStage.application_id == Application.id)
        .join(Call, Application.call_id == Call.id)
        .where(
            ApplicationStage.status == StageStatus.draft,
            Call.status == CallStatus.published,
            Call.deadline > now,
        )
        .order_by(ApplicationStage.id)
    ).all()
    members: dict[int, list[int]] = {}
    for user in acting_members({application.lead_id for _, application, _ in rows}):
        members.setdefault(user.organisation_id, []).append(user.id)
    found = []
    for stage, application, call in rows:
        deadline = call.submission_deadline(stage.stage)
        if deadline is None or deadline <= now:
            continue
        link = url_for("applications.show", application_id=application.id, _external=True)
        found.append(
            Found(
                "draft",
                stage.id,
                deadline,
                rules.draft_timings(call.draft_reminder_first_days, call.draft_reminder_last_days),
                tuple(members.get(application.lead_id, [])),
                application.id,
                {"application": application, "call": call, "deadline": deadline, "link": link},
            )
        )
    return found


@finder("evaluation")
def evaluations(now: datetime) -> list[Found]:
    """Open assignments (not ended, evaluation not submitted) in the calls under evaluation that
    have a due date; the evaluator is reminded."""
    rows = db.session.execute(
        select(Assignment, Application, Call)
        .join(ApplicationStage, Assignment.stage_id == ApplicationStage.id)
        .join(Application, ApplicationStage.application_id == Application.id)
        .join(Call, Application.call_id == Call.id)
        .outerjoin(Evaluation, Evaluation.assignment_id == Assignment.id)
        .where(
            Assignment.ended_at.is_(None),
            Call.status == CallStatus.evaluation,
            Call.evaluation_due_at.is_not(None),
            or_(Evaluation.id.is_(None), Evaluation.submitted_at.is_(None)),
        )
        .order_by(Assignment.id)
    ).all()
    return [
        Found(
            "evaluation",
            assignment.id,
            call.evaluation_due_at,
            rules.evaluation_timings(call.evaluation_reminder_days),
            (assignment.evaluator_id,),
            application.id,
            {
                "application": application,
                "call": call,
                "deadline": call.evaluation_due_at,
                "link": url_for(
                    "evaluation.assignment", assignment_id=assignment.id, _external=True
                ),
            },
        )
        for assignment, application, call in rows
    ]
