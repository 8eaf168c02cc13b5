"""Payments authorised at the same moment (PostgreSQL): two authorisations of one payment record it
once; two payments whose sum exceeds what is left on the grant cannot both be authorised. One
transaction holds the row it changed while the other one's UPDATE waits on it (seen in
pg_stat_activity), so the two truly overlap."""

from __future__ import annotations

import os
import threading
import time
import uuid
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import delete, select

from grants.bundle.import_ import delete_call
from grants.extensions import db as _db
from grants.models import AuditEvent, Call, Grant, GrantPayment, Organisation, User
from grants.models.base import now_utc
from grants.payments import services
from grants.rules.grant_status import PaymentStatus
from tests.conftest import service_missing
from tests.factories import make_call, make_user
from tests.factories.grants import make_grant
from tests.factories.payments import recorded_payment

D = Decimal
PG_URL = os.environ.get("DATABASE_URL", "").replace("postgresql+psycopg://", "postgresql://")


def _someone_waits_for_a_lock(timeout: float = 10) -> bool:
    """Whether another backend waits on a row lock (the second UPDATE), within `timeout`."""
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            ).fetchone()[0]
            if waiting:
                return True
            time.sleep(0.05)
    return False


@pytest.fixture
def world(app):
    """A single-scheme grant of 90,000.00 in force (pre-financing ceiling 81,000.00), a staff user
    who records, two who authorise; all removed afterwards."""
    with app.app_context():
        if _db.engine.dialect.name != "postgresql":
            service_missing("PostgreSQL (DATABASE_URL)")
        started = now_utc()
        call = make_call(reference=f"RACE-PAY-{uuid.uuid4().hex[:6].upper()}", status="decided")
        recorder, one, two = make_user("staff"), make_user("staff"), make_user("staff")
        grant = make_grant(call=call, staff=recorder)
        _db.session.commit()
        application = grant.application
        ids = {
            "call": call.id,
            "grant": grant.id,
            "recorder": recorder.id,
            "authorisers": (one.id, two.id),
            "orgs": [application.lead_id, *(p.organisation_id for p in application.partners)],
        }
        _db.session.remove()
    yield ids
    with app.app_context():
        _db.session.execute(delete(GrantPayment).where(GrantPayment.grant_id == ids["grant"]))
        _db.session.execute(delete(Grant).where(Grant.id == ids["grant"]))
        delete_call(_db.session.get(Call, ids["call"]))
        _db.session.execute(delete(AuditEvent).where(AuditEvent.at >= started))
        _db.session.execute(delete(User).where(User.organisation_id.in_(ids["orgs"])))
        _db.session.execute(delete(User).where(User.id.in_([ids["recorder"], *ids["authorisers"]])))
        _db.session.execute(delete(Organisation).where(Organisation.id.in_(ids["orgs"])))
        _db.session.commit()


def _race(app, jobs: list[tuple[int, int]]) -> list[str]:
    """Authorise each (payment, user) in its own thread and transaction: the first holds its
    transaction open until the second waits on the row it locked, then commits. What each got:
    'ok' or the refusal's message."""
    results: list[str] = ["", ""]
    started, errors = threading.Event(), []

    def run(index: int, payment_id: int, user_id: int) -> None:
        with app.test_request_context():
            try:
                payment = _db.session.get(GrantPayment, payment_id)
                if index == 1:
                    started.wait(30)
                try:
                    services.authorise(payment, user_id, now_utc())
                    results[index] = "ok"
                except services.PaymentRefused as refused:
                    results[index] = refused.message
                if index == 0:
                    started.set()
                    assert _someone_waits_for_a_lock(), "the second authorisation never waited"
                _db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
                started.set()
            finally:
                _db.session.remove()

    threads = [
        threading.Thread(target=run, args=(i, payment_id, user_id))
        for i, (payment_id, user_id) in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


@pytest.mark.postgres
def test_two_authorisations_of_one_payment_at_once_record_it_once(app, world):
    with app.app_context():
        grant = _db.session.get(Grant, world["grant"])
        payment_id = recorded_payment(grant, D("72000.00"), world["recorder"]).id
        _db.session.commit()
        _db.session.remove()
    one, two = world["authorisers"]
    results = _race(app, [(payment_id, one), (payment_id, two)])
    assert results[0] == "ok"
    assert results[1] == "This payment is no longer waiting for an authorisation."
    with app.app_context():
        grant = _db.session.get(Grant, world["grant"])
        payment = _db.session.get(GrantPayment, payment_id)
        assert (payment.status, payment.authorised_by_id) == (PaymentStatus.authorised, one)
        assert (grant.prefinancing_paid, grant.paid_total) == (D("72000.00"), D("72000.00"))
        events = _db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "GrantPayment", AuditEvent.object_id == str(payment_id)
            )
        ).all()
        assert events == ["payment.authorised"]


@pytest.mark.postgres
def test_two_payments_beyond_what_is_left_at_once_one_is_refused(app, world):
    with app.app_context():
        grant = _db.session.get(Grant, world["grant"])
        first = recorded_payment(grant, D("72000.00"), world["recorder"]).id
        second = recorded_payment(grant, D("72000.00"), world["recorder"]).id
        _db.session.commit()
        _db.session.remove()
    one, two = world["authorisers"]
    results = _race(app, [(first, one), (second, two)])
    assert results[0] == "ok"
    assert results[1].startswith("This would pay more pre-financing than its ceiling")
    with app.app_context():
        grant = _db.session.get(Grant, world["grant"])
        statuses = [_db.session.get(GrantPayment, i).status for i in (first, second)]
        assert statuses == [PaymentStatus.authorised, PaymentStatus.recorded]
        assert (grant.prefinancing_paid, grant.paid_total) == (D("72000.00"), D("72000.00"))
