"""Report reminders (docs/domain.md 8): the lead's members 14 days before a report is due and once
it is overdue, each once, in their language; none once the report is sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from grants.models import MessageLog, SentReminder
from tests.factories import make_call, make_user
from tests.factories.grants import make_grant
from tests.factories.reporting import written_report

DUE = datetime(2029, 3, 31, 12, tzinfo=UTC)  # the final report of a grant from 1 January 2027


def sent(cli, db) -> int:
    """Send what is due; how many report reminders were sent in all (staff's payment reminders of
    the same grant are the payments' business)."""
    assert cli("reminders", "send").exit_code == 0
    return len(reports_reminded(db))


def reports_reminded(db) -> list[str]:
    kinds = db.session.scalars(select(SentReminder.kind).order_by(SentReminder.id)).all()
    return [kind for kind in kinds if kind.startswith("report-")]


def test_before_and_after_the_due_date_once_each(db, cli, fixed_now):
    grant = make_grant()
    turkish = make_user(organisation=grant.application.lead, locale="tr")
    db.session.commit()
    fixed_now(DUE - timedelta(days=15))
    assert sent(cli, db) == 0
    fixed_now(DUE - timedelta(days=13))
    assert sent(cli, db) == 2  # two lead members
    assert sent(cli, db) == 2  # once
    fixed_now(DUE)  # the due day itself: not overdue yet
    assert sent(cli, db) == 2
    fixed_now(DUE + timedelta(days=1))
    assert sent(cli, db) == 4
    kinds = reports_reminded(db)
    assert kinds == ["report-due", "report-due", "report-overdue", "report-overdue"]
    log = db.session.scalars(
        select(MessageLog).where(MessageLog.recipient_id == turkish.id).order_by(MessageLog.id)
    ).all()
    assert [(r.kind, r.locale, r.application_id) for r in log] == [
        ("report_reminder", "tr", grant.application_id),
        ("report_overdue", "tr", grant.application_id),
    ]
    assert grant.number in log[0].subject


def test_a_sent_report_is_not_reminded(db, cli, fixed_now):
    grant = make_grant()
    written_report(grant)
    db.session.commit()
    fixed_now(DUE + timedelta(days=1))
    assert sent(cli, db) == 0


def test_the_days_before_are_the_calls_setting(db, cli, fixed_now):
    call = make_call(status="decided", report_reminder_days=20)
    grant = make_grant(call=call)  # the contract keeps the call's 20 days
    assert grant.grant_terms().report_reminder_days == 20
    db.session.commit()
    fixed_now(DUE - timedelta(days=21))
    assert sent(cli, db) == 0
    fixed_now(DUE - timedelta(days=19))
    assert sent(cli, db) == 1  # the lead's member
