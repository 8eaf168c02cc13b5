"""Report reminders (docs/domain.md 8): the lead's members 14 days before a report is due and once
it is overdue, each once, in their language; none once the report is sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from sqlalchemy import select

from grants.models import MessageLog, SentReminder
from tests.factories import make_user
from tests.factories.grants import make_grant
from tests.factories.payments import recorded_payment
from tests.factories.reporting import written_report

DUE = datetime(2029, 3, 31, 12, tzinfo=UTC)  # the final report of a grant from 1 January 2027


def pre_financed(grant) -> None:
    """Its pre-financing recorded: no payment reminder to staff mixes with the report's."""
    recorded_payment(grant, D("72000.00"), make_user("staff").id)


def test_before_and_after_the_due_date_once_each(db, cli, fixed_now):
    grant = make_grant()
    pre_financed(grant)
    turkish = make_user(organisation=grant.application.lead, locale="tr")
    db.session.commit()
    fixed_now(DUE - timedelta(days=15))
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."
    fixed_now(DUE - timedelta(days=13))
    assert cli("reminders", "send").output.strip() == "Reminders sent: 2."  # two lead members
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."
    fixed_now(DUE)  # the due day itself: not overdue yet
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."
    fixed_now(DUE + timedelta(days=1))
    assert cli("reminders", "send").output.strip() == "Reminders sent: 2."
    kinds = db.session.scalars(select(SentReminder.kind).order_by(SentReminder.id)).all()
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
    pre_financed(grant)
    written_report(grant)
    db.session.commit()
    fixed_now(DUE + timedelta(days=1))
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."
