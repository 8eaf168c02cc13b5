"""Reminders (docs/domain.md 8) on a fixed clock, through the real SMTP test server: each once, in
the recipient's language, not to those who turned the kind off; written to the message log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from grants.models import (
    Assignment,
    CallStatus,
    Evaluation,
    MessageLog,
    ReminderOptOut,
    SentReminder,
)
from grants.reminders import services
from grants.reminders.runner import Runner
from grants.rules.reminders import Reminder
from tests.factories import make_application, make_call, make_org, make_user

NOW = datetime(2027, 2, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def draft(db, fixed_now):
    """A draft whose deadline is 7 days after NOW; the lead has a Turkish and an English member."""
    fixed_now(NOW)
    call = make_call(reference="TTGS-REM")
    call.opens_at, call.deadline = NOW - timedelta(days=30), NOW + timedelta(days=7)
    lead = make_org()
    turkish = make_user(organisation=lead, locale="tr", email="ayse@example.org", name="Ayşe")
    english = make_user(organisation=lead, locale="en", email="anna@example.org", name="Anna")
    application = make_application(call, lead=lead, title="Yeşil kardeş kentler")
    db.session.commit()
    return application, turkish, english


def test_a_draft_reminder_arrives_once_in_each_recipients_language(draft, db, smtp, cli):
    application, turkish, english = draft
    result = cli("reminders", "send")
    assert result.exit_code == 0 and "Reminders sent: 2." in result.output
    by_address = {m["To"]: m for m in smtp.messages}
    assert set(by_address) == {"ayse@example.org", "anna@example.org"}
    tr = by_address["ayse@example.org"]
    assert tr["Subject"] == "Hatırlatma: Yeşil kardeş kentler başvurunuz henüz gönderilmedi"
    assert "hâlâ taslak" in tr.get_content() and "Sayın Ayşe" in tr.get_content()
    en = by_address["anna@example.org"]
    assert en["Subject"] == "Reminder: your application Yeşil kardeş kentler is not submitted yet"
    assert f"/applications/{application.id}" in en.get_content()
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."
    assert len(smtp.messages) == 2
    keys = set(db.session.scalars(select(SentReminder.key)))
    stage_id = application.stages[0].id
    assert keys == {f"draft-first:{stage_id}:{turkish.id}", f"draft-first:{stage_id}:{english.id}"}


def test_the_last_reminder_comes_on_its_day_and_none_after_the_deadline(
    draft, db, smtp, cli, fixed_now
):
    application, turkish, english = draft
    fixed_now(NOW + timedelta(days=2))
    cli("reminders", "send")
    fixed_now(NOW + timedelta(days=5, hours=23))  # 25 hours before: still the first's time
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."
    fixed_now(NOW + timedelta(days=6, hours=1))
    assert cli("reminders", "send").output.strip() == "Reminders sent: 2."
    fixed_now(NOW + timedelta(days=8))
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."
    kinds = db.session.scalars(select(SentReminder.kind).order_by(SentReminder.id)).all()
    assert kinds == ["draft-first", "draft-first", "draft-last", "draft-last"]
    assert len(smtp.messages) == 4


def test_the_reminder_days_are_the_calls(draft, db, cli):
    application, _, _ = draft
    application.call.draft_reminder_first_days = 5
    db.session.commit()
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."


def test_a_user_who_turned_the_kind_off_gets_none(draft, db, smtp, cli):
    application, turkish, english = draft
    db.session.add(ReminderOptOut(user_id=turkish.id, kind="draft-first"))
    db.session.commit()
    assert cli("reminders", "send").output.strip() == "Reminders sent: 1."
    assert [m["To"] for m in smtp.messages] == ["anna@example.org"]


def test_a_submitted_application_or_an_unpublished_call_gets_no_reminder(draft, db, cli):
    application, _, _ = draft
    application.call.status = CallStatus.draft
    db.session.commit()
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."


def test_each_reminder_is_logged_for_its_application(draft, db, cli):
    application, turkish, _ = draft
    cli("reminders", "send")
    rows = db.session.scalars(select(MessageLog).order_by(MessageLog.recipient)).all()
    assert [(r.recipient, r.locale, r.kind) for r in rows] == [
        ("anna@example.org", "en", "draft_reminder"),
        ("ayse@example.org", "tr", "draft_reminder"),
    ]
    assert {r.application_id for r in rows} == {application.id}
    assert rows[1].recipient_id == turkish.id and rows[1].sent_at == NOW


@pytest.fixture
def assignment(db, fixed_now):
    """An open assignment of a submitted application; evaluations due 3 days after NOW."""
    fixed_now(NOW)
    call = make_call(reference="TTGS-EVAL", status="evaluation")
    call.opens_at, call.deadline = NOW - timedelta(days=60), NOW - timedelta(days=20)
    call.evaluation_due_at = NOW + timedelta(days=3)
    application = make_application(call, status="admissible")
    evaluator = make_user("evaluator", locale="tr", email="hakem@example.org")
    row = Assignment(stage_id=application.stages[0].id, evaluator_id=evaluator.id)
    db.session.add(row)
    db.session.commit()
    return row


def test_an_evaluator_is_reminded_before_the_due_date_and_when_overdue(
    assignment, db, smtp, cli, fixed_now
):
    assert cli("reminders", "send").output.strip() == "Reminders sent: 1."
    assert smtp.messages[0]["Subject"] == (
        "Hatırlatma: TTGS-EVAL çağrısında bir değerlendirmenin teslim tarihi yaklaşıyor"
    )
    assert f"/evaluation/assignments/{assignment.id}" in smtp.messages[0].get_content()
    fixed_now(NOW + timedelta(days=3))
    assert cli("reminders", "send").output.strip() == "Reminders sent: 1."
    assert smtp.messages[1]["Subject"] == (
        "TTGS-EVAL çağrısındaki bir değerlendirmenin teslim tarihi geçti"
    )
    fixed_now(NOW + timedelta(days=10))
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."


def test_a_submitted_or_ended_assignment_gets_no_reminder(assignment, db, cli, fixed_now):
    db.session.add(Evaluation(assignment_id=assignment.id, submitted_at=NOW))
    db.session.commit()
    fixed_now(NOW + timedelta(days=4))
    assert cli("reminders", "send").output.strip() == "Reminders sent: 0."


def test_a_key_is_claimed_once_so_two_runners_never_send_twice(draft, db):
    application, turkish, _ = draft
    reminder = Reminder("draft-first", application.stages[0].id, turkish.id)
    assert services.claim(reminder, NOW) is True
    assert services.claim(reminder, NOW) is False  # the other runner: skipped, session usable
    assert db.session.scalar(select(func.count(SentReminder.id))) == 1
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            insert(SentReminder).values(
                key=reminder.key, kind="draft-first", subject_id=1, user_id=turkish.id, sent_at=NOW
            )
        )


def test_a_reminder_claimed_by_another_runner_meanwhile_is_not_sent(draft, db, smtp, monkeypatch):
    """The other runner inserts the key after this scan read the sent keys: the insert decides."""
    application, turkish, english = draft
    claim = services.claim

    def raced(reminder, now):
        if reminder.user_id == turkish.id:
            with db.session.begin_nested():  # the other runner's row, committed first
                db.session.add(
                    SentReminder(
                        key=reminder.key,
                        kind=reminder.kind,
                        subject_id=0,
                        user_id=turkish.id,
                        sent_at=now,
                    )
                )
        return claim(reminder, now)

    monkeypatch.setattr(services, "claim", raced)
    assert services.scan() == 1
    db.session.commit()


def test_the_in_process_runner_runs_the_same_scan(app, draft, db, smtp):
    assert Runner(app).run_once() == 2
    assert Runner(app).run_once() == 0
    assert len(smtp.messages) == 2
