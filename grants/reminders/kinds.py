"""The finders of reminder subjects, one per family of grants.rules.reminders.KINDS.

A finder takes the clock and returns `Found`s: a subject with a deadline (a draft stage, an open
assignment, a payment due), the timings, the users to remind, and what their e-mail says. Reports
plug in here with `@finder("report")`, and their kinds in grants.rules.reminders.KINDS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from grants.auth.queries import acting_members
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallStatus,
    Evaluation,
    Grant,
    StageStatus,
    User,
)
from grants.models.users import Role
from grants.payments.queries import open_items
from grants.reporting.queries import due_dates
from grants.rules import reminders as rules
from grants.rules.grant_reports import HANDED_IN
from grants.rules.grant_status import GrantStatus


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
MAILINGS["report-due"] = Mailing(
    "email/report_reminder.txt",
    lambda c: _l("Reminder: a report on the grant %(number)s is due", number=c["grant"].number),
)
MAILINGS["report-overdue"] = Mailing(
    "email/report_overdue.txt",
    lambda c: _l("A report on the grant %(number)s is overdue", number=c["grant"].number),
)
MAILINGS["payment-due"] = Mailing(
    "email/payment_due.txt",
    lambda c: _l("A payment of the grant %(number)s falls due", number=c["grant"].number),
)
MAILINGS["payment-overdue"] = Mailing(
    "email/payment_overdue.txt",
    lambda c: _l("A payment of the grant %(number)s is overdue", number=c["grant"].number),
)
PAYMENT_WHAT = {
    "prefinancing": _l("a pre-financing instalment"),
    "balance": _l("the balance"),
    "recovery": _l("a recovery (from the beneficiary)"),
}


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


# a report's subject id: its grant's id x 1000 + its period (999 for the final report), so a report
# not started yet (no row) has its id too
FINAL_SUBJECT = 999


def report_subject_id(grant_id: int, kind: str, period: int) -> int:
    return grant_id * 1000 + (FINAL_SUBJECT if kind == "final" else period)


@finder("report")
def reports(now: datetime) -> list[Found]:
    """The reports due on the grants in force and not yet sent (not started, a draft or returned);
    the lead's acting members are reminded the contract's `report_reminder_days` (14 by default)
    before the due date and once it has passed
    (the due day is the last: overdue from the next midnight, UTC)."""
    grants = list(
        db.session.scalars(
            select(Grant)
            .where(Grant.status == GrantStatus.in_force)
            .options(
                joinedload(Grant.application),
                selectinload(Grant.reports),
                joinedload(Grant.call),
            )
            .order_by(Grant.id)
        )
    )
    members: dict[int, list[int]] = {}
    for user in acting_members({g.application.lead_id for g in grants}):
        members.setdefault(user.organisation_id, []).append(user.id)
    found = []
    for grant in grants:
        sent = {(r.kind.value, r.period) for r in grant.reports if r.status in HANDED_IN}
        for due in due_dates(grant):
            if (due.kind, due.period) in sent:
                continue
            deadline = datetime.combine(due.due_on + timedelta(days=1), time(0), tzinfo=UTC)
            found.append(
                Found(
                    "report",
                    report_subject_id(grant.id, due.kind, due.period),
                    deadline,
                    rules.report_timings(grant.grant_terms().report_reminder_days),
                    tuple(members.get(grant.application.lead_id, [])),
                    grant.application_id,
                    {
                        "grant": grant,
                        "application": grant.application,
                        "call": grant.call,
                        "due_on": due.due_on,
                        "deadline": deadline,
                        "link": url_for("reporting.reports", grant_id=grant.id, _external=True),
                    },
                )
            )
    return found


@finder("payment")
def payments(now: datetime) -> list[Found]:
    """The instalments, balances and recoveries due or overdue (grants.payments.queries.open_items)
    and not recorded yet; every active staff user is reminded. The deadline is the end of the day
    the payment is to be made by, in the call's zone."""
    rows = [row for row in open_items(now) if row.item.due_on is not None]
    staff = (
        tuple(
            db.session.scalars(
                select(User.id)
                .where(User.role.in_((Role.staff, Role.admin)), User.active.is_(True))
                .order_by(User.id)
            )
        )
        if rows
        else ()
    )
    found = []
    for row in rows:
        grant, item = row.grant, row.item
        deadline = datetime.combine(
            item.due_on + timedelta(days=1), time(0), tzinfo=ZoneInfo(grant.call.timezone)
        )
        found.append(
            Found(
                "payment",
                rules.payment_subject(grant.id, item.period),
                deadline,
                rules.payment_timings(grant.grant_terms().payment_reminder_days),
                staff,
                grant.application_id,
                {
                    "grant": grant,
                    "what": PAYMENT_WHAT[item.kind.value],
                    "amount": item.left,
                    "payee": row.payee.holder,
                    "due_on": item.due_on,
                    "link": url_for("payments.grant_payments", grant_id=grant.id, _external=True),
                },
            )
        )
    return found
