"""With Redis: the worker starts with rq's scheduler, one scan is scheduled, and each scan
schedules the next at REMINDER_INTERVAL (jobs enqueued at a time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from grants.models import SentReminder
from grants.reminders.scheduling import PREFIX, ensure_scheduled
from tests.factories import make_application, make_call, make_org, make_user

NOW = datetime(2027, 2, 20, 9, 0, tzinfo=UTC)


def test_the_scan_is_scheduled_once_and_schedules_the_next(app, db, redis_url, monkeypatch):
    from rq import SimpleWorker

    from grants.jobs import queue

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "FIXED_NOW", NOW)
    monkeypatch.setitem(app.config, "REMINDER_INTERVAL", 600)
    call = make_call()
    call.opens_at, call.deadline = NOW - timedelta(days=30), NOW + timedelta(days=6)
    lead = make_org()
    make_user(organisation=lead)
    make_application(call, lead=lead)
    db.session.commit()
    q = queue()
    q.empty()
    registry = q.scheduled_job_registry
    for job_id in registry.get_job_ids():
        registry.remove(job_id, delete_job=True)

    first = ensure_scheduled()
    assert first is not None and first.startswith(PREFIX)
    assert ensure_scheduled() is None  # one scheduled scan is enough

    SimpleWorker([q], connection=q.connection).work(burst=True, with_scheduler=True)
    assert db.session.scalar(select(func.count(SentReminder.id))) == 1
    [following] = registry.get_job_ids()
    assert following.startswith(PREFIX) and following != first
    due = registry.get_scheduled_time(following).replace(tzinfo=UTC)
    assert timedelta(seconds=590) < due - datetime.now(UTC) <= timedelta(seconds=600)
    registry.remove(following, delete_job=True)
