"""Which reminders are due (docs/domain.md 8): timings, once per key, turned-off kinds, the days."""

from datetime import UTC, datetime, timedelta

from grants.rules import reminders as r
from grants.rules.call_settings import check_call

DEADLINE = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)


def draft(*recipients: r.Recipient, first: int = 7, last: int = 1) -> r.Subject:
    return r.Subject(12, DEADLINE, r.draft_timings(first, last), recipients)


def evaluation(*recipients: r.Recipient, days: int = 3) -> r.Subject:
    return r.Subject(40, DEADLINE, r.evaluation_timings(days), recipients)


def at(delta: timedelta) -> datetime:
    return DEADLINE + delta


def test_nothing_is_due_before_the_first_reminders_day():
    assert r.due(at(-timedelta(days=7, seconds=1)), [draft(r.Recipient(5))]) == []


def test_the_first_draft_reminder_is_due_from_seven_days_before():
    due = r.due(at(-timedelta(days=7)), [draft(r.Recipient(5), r.Recipient(6))])
    assert [(x.kind, x.user_id) for x in due] == [("draft-first", 5), ("draft-first", 6)]
    assert due[0].key == "draft-first:12:5"


def test_the_last_reminder_replaces_the_first_once_its_day_has_come():
    """A scan that first sees a draft 12 hours before the deadline sends one reminder, the last."""
    due = r.due(at(-timedelta(hours=12)), [draft(r.Recipient(5))])
    assert [x.key for x in due] == ["draft-last:12:5"]


def test_a_draft_gets_no_reminder_once_its_deadline_has_passed():
    assert r.due(DEADLINE, [draft(r.Recipient(5))]) == []


def test_the_days_are_the_calls():
    subject = draft(r.Recipient(5), first=10, last=2)
    assert [x.kind for x in r.due(at(-timedelta(days=9)), [subject])] == ["draft-first"]
    assert [x.kind for x in r.due(at(-timedelta(days=2)), [subject])] == ["draft-last"]


def test_an_evaluation_is_reminded_before_it_is_due_and_when_overdue():
    subject = evaluation(r.Recipient(9))
    assert r.due(at(-timedelta(days=3, seconds=1)), [subject]) == []
    assert [x.key for x in r.due(at(-timedelta(days=3)), [subject])] == ["evaluation-due:40:9"]
    assert [x.key for x in r.due(DEADLINE, [subject])] == ["evaluation-overdue:40:9"]
    assert [x.kind for x in r.due(at(timedelta(days=30)), [subject])] == ["evaluation-overdue"]


def test_a_turned_off_kind_is_not_sent_to_that_user_only():
    subject = draft(r.Recipient(5, frozenset({"draft-first"})), r.Recipient(6))
    assert [x.user_id for x in r.due(at(-timedelta(days=5)), [subject])] == [6]
    assert [x.user_id for x in r.due(at(-timedelta(hours=1)), [subject])] == [5, 6]


def test_a_mandatory_kind_is_sent_even_if_turned_off(monkeypatch):
    kind = r.KINDS["evaluation-overdue"]
    monkeypatch.setitem(
        r.KINDS,
        "evaluation-overdue",
        r.Kind(kind.code, kind.family, kind.audience, kind.label, mandatory=True),
    )
    subject = evaluation(r.Recipient(9, frozenset({"evaluation-overdue"})))
    assert [x.user_id for x in r.due(DEADLINE, [subject])] == [9]
    assert "evaluation-overdue" not in {k.code for k in r.optional_kinds()}


def test_every_current_kind_may_be_turned_off():
    assert {k.code for k in r.optional_kinds()} == set(r.KINDS)


def test_reminder_days_are_checked_with_the_calls_settings():
    assert r.check_days({"draft_reminder_first_days": 7, "draft_reminder_last_days": 1}) == []
    [issue] = check_call({"draft_reminder_first_days": 1, "draft_reminder_last_days": 1}, None)
    assert issue.field == "draft_reminder_first_days"
    assert "more days before the deadline" in issue.message
    fields = [i.field for i in r.check_days({"evaluation_reminder_days": 0})]
    assert fields == ["evaluation_reminder_days"]
    fields = [i.field for i in r.check_days({"draft_reminder_last_days": 366})]
    assert fields == ["draft_reminder_last_days"]
