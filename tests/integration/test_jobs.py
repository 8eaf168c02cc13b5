"""Jobs: deferred until commit, run in-process without Redis, through rq with it."""

from sqlalchemy import select

from grants import mail
from grants.jobs import commit, defer
from grants.models import MailStatus, OutboxMessage
from tests.factories import make_org, make_user


def _queue_mail(to: str) -> OutboxMessage:
    org = make_org(name="Çankaya Belediyesi")
    member = make_user(organisation=org, email=to)
    return mail.send(
        to,
        "Your membership was verified",
        "email/member_verified.txt",
        locale="en",
        member=member,
        organisation=org,
        link="http://localhost/auth/organisation",
    )


def test_mail_without_server_is_logged_in_the_outbox(app, db):
    message = _queue_mail("a@example.org")
    assert message.status is MailStatus.queued  # nothing sent before the commit
    commit()
    assert db.session.get(OutboxMessage, message.id).status is MailStatus.logged


def test_rollback_forgets_deferred_jobs(app, db):
    ran = []
    defer(ran.append, 1)
    db.session.rollback()
    commit()
    assert ran == []


def test_mail_through_rq_worker(app, db, redis_url, monkeypatch):
    from rq import SimpleWorker

    from grants.jobs import queue

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    q = queue()
    q.empty()
    message = _queue_mail("b@example.org")
    commit()
    assert db.session.get(OutboxMessage, message.id).status is MailStatus.queued
    assert q.count == 1
    SimpleWorker([q], connection=q.connection).work(burst=True)
    db.session.expire_all()
    status = db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == message.id))
    assert status is MailStatus.logged
