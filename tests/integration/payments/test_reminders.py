"""Staff are reminded when a payment falls due (docs/domain.md 8): a week before the day it is to
be paid by, and once that day has passed; each once."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from grants.models import SentReminder
from grants.rules.reminders import payment_subject
from tests.factories import make_call, make_user
from tests.factories.grants import make_grant
from tests.factories.payments import recorded_payment

D = Decimal


def test_staff_are_reminded_a_week_before_and_when_overdue(db, cli, smtp, fixed_now):
    fixed_now(datetime(2027, 1, 10, 9, tzinfo=UTC))
    staff = make_user("staff", locale="tr", email="mali@example.org")
    grant = make_grant(staff=staff)  # 72,000.00 to pay by 30 January 2027 (Istanbul)
    make_user("applicant")  # not staff: not reminded
    db.session.commit()
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."
    fixed_now(datetime(2027, 1, 24, 0, 30, tzinfo=UTC))  # 24 January in Istanbul: a week left
    assert cli("reminders", "send").output.strip() == "Reminders sent: 1."
    message = smtp.messages[0]
    assert message["To"] == "mali@example.org"
    assert grant.number in message["Subject"] and "vadesi geliyor" in message["Subject"]
    assert f"/grants/{grant.id}/payments" in message.get_content()
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."
    fixed_now(datetime(2027, 1, 31, 9, tzinfo=UTC))
    assert cli("reminders", "send").output.strip() == "Reminders sent: 1."
    keys = db.session.scalars(select(SentReminder.key).order_by(SentReminder.id)).all()
    subject = payment_subject(grant.id, 1)
    assert keys == [f"payment-due:{subject}:{staff.id}", f"payment-overdue:{subject}:{staff.id}"]


def test_a_payment_recorded_or_paid_is_not_reminded(db, cli, fixed_now):
    fixed_now(datetime(2027, 1, 31, 9, tzinfo=UTC))
    grant = make_grant()
    staff = make_user("staff")
    recorded_payment(grant, D("72000.00"), staff.id)
    db.session.commit()
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."


def test_the_days_before_are_the_calls_setting(db, cli, fixed_now):
    call = make_call(status="decided", payment_reminder_days=2)
    make_grant(call=call)  # 72,000.00 to pay by 30 January 2027 (Istanbul)
    make_user("staff")
    db.session.commit()
    fixed_now(datetime(2027, 1, 28, 9, tzinfo=UTC))  # noon of the 28th in Istanbul: not yet
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."
    fixed_now(datetime(2027, 1, 28, 21, 30, tzinfo=UTC))  # the 29th in Istanbul: two days left
    assert cli("reminders", "send").output.strip() == "Reminders sent: 2."  # both staff users
