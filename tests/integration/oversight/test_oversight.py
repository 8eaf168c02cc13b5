"""The oversight page (docs/domain.md 7, Oversight): contracted, paid, still to pay, recovered and
absorption per call, lot, province and partner country; reports and payments due and overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from grants.extensions import db
from grants.models import GrantPayment, GrantReport
from grants.oversight import queries
from grants.payments.queries import open_items
from grants.rules.grant_status import (
    PaymentKind,
    PaymentStatus,
    ReportKind,
    ReportStatus,
)
from tests.conftest import count_queries, selects
from tests.factories import make_call, make_org, make_user
from tests.factories.grants import make_grant

D = Decimal


def paid(grant, amount: str, period: int | None = 1, kind=PaymentKind.prefinancing):
    """An authorised payment (pre-financing unless `kind` says otherwise), with the grant's running
    totals."""
    recorder, authoriser = make_user("staff"), make_user("staff")
    db.session.add(
        GrantPayment(
            grant_id=grant.id,
            kind=kind,
            status=PaymentStatus.authorised,
            period=period,
            amount=D(amount),
            value_date=date(2027, 2, 1),
            recorded_by_id=recorder.id,
            authorised_by_id=authoriser.id,
            authorised_at=datetime(2027, 2, 1, tzinfo=UTC),
        )
    )
    if kind is PaymentKind.recovery:
        grant.recovered_total += D(amount)
    else:
        grant.prefinancing_paid += D(amount)
        grant.paid_total += D(amount)


def terminated(call, lead=None):
    """Terminated with 72,000 paid, a final amount of 36,000 and 10,000 recovered so far."""
    grant = make_grant("terminated", call=call, lead=lead)
    paid(grant, "72000")
    grant.final_amount = D("36000.00")
    paid(grant, "10000", period=None, kind=PaymentKind.recovery)
    return grant


@pytest.fixture
def world(db):
    first, second = make_call(status="decided"), make_call(status="decided")
    izmir = make_org("TR", region="İzmir")
    running = make_grant(call=first, lead=izmir)  # 90,000; 72,000 paid
    paid(running, "72000")
    terminated(first)
    make_grant(call=first, partners=[make_org("FR"), make_org("DE")])  # nothing paid
    make_grant("draft", call=first)  # not contracted: not counted
    closed = make_grant("closed", call=second, lead=izmir)
    paid(closed, "72000")
    closed.final_amount, closed.paid_total = D("85000.00"), D("85000.00")
    db.session.commit()
    return first, second


def test_money_per_call(db, world):
    first, second = world
    rows = {row.key: row for row in queries.summaries().calls}
    a, b = rows[str(first.id)], rows[str(second.id)]
    assert a.grants == 3
    assert a.contracted == D("270000.00")
    assert a.paid == D("144000.00")
    # 90,000 - 72,000 owed to the running one; none to the terminated one (it owes back);
    # 90,000 to the one paid nothing
    assert a.to_pay == D("108000.00")
    assert a.recovered == D("10000.00")
    assert round(a.absorption * 100, 2) == D("53.33")
    assert (b.grants, b.contracted, b.paid, b.to_pay) == (1, D("90000.00"), D("85000.00"), 0)


def test_money_per_lot_province_and_partner_country(db, world):
    first, _second = world
    lots = queries.summaries(first.id).lots
    assert [row.grants for row in lots] == [3]
    provinces = {row.label: row for row in queries.summaries().provinces}
    assert provinces["İzmir"].grants == 2  # the running grant and the closed one
    assert provinces["İzmir"].paid == D("157000.00")
    assert provinces["Ankara"].grants == 2
    countries = {row.label: row for row in queries.by_partner_country()}
    # every grant has a German partner; one has a French one too
    assert countries["DE"].grants == 4 and countries["FR"].grants == 1
    assert countries["FR"].contracted == D("90000.00") and countries["FR"].paid == 0


def test_the_page_shows_the_tables(db, client, login_as, world):
    first, _second = world
    login_as("staff")
    html = client.get("/staff/oversight").get_data(as_text=True)
    assert "270,000.00" in html and "108,000.00" in html and "53.33" in html
    assert "İzmir" in html
    only = client.get(f"/staff/oversight?call={first.id}").get_data(as_text=True)
    assert "85,000.00" not in only


def test_reports_and_payments_due_and_overdue(db, client, login_as, fixed_now):
    call = make_call(status="decided")
    late = make_grant(call=call)  # pre-financing due 30 days after 31 Dec 2026: never paid
    periodic = make_grant(call=call, awarded=D("100000.01"), requested_grant=D("100000.01"))
    paid(periodic, "50000.01", period=1)
    sent = make_grant(call=call, awarded=D("100000.01"), requested_grant=D("100000.01"))
    paid(sent, "50000.01", period=1)
    db.session.add(
        GrantReport(
            grant_id=sent.id,
            kind=ReportKind.interim,
            period=1,
            status=ReportStatus.submitted,
            due_on=date(2028, 2, 29),
        )
    )
    terminated(call)
    db.session.commit()
    # period 1 ends 31 Dec 2027: its interim report is due 29 Feb 2028
    dues = queries.dues(datetime(2028, 2, 10, 9, tzinfo=UTC), call.id)
    assert dues.count(call.id, "reports_due") == 1  # the periodic one; the other was sent
    assert dues.count(call.id, "reports_overdue") == 0
    assert dues.count(call.id, "payments_overdue") == 1  # the late pre-financing
    assert dues.count(call.id, "payments_due") == 1  # the terminated grant's recovery
    recovery = next(d for d in dues.items if d.item.what == "recovery")
    assert recovery.item.amount == D("26000.00") and recovery.number.endswith("/G/004")
    late_one = next(d for d in dues.items if d.item.what == "prefinancing")
    assert late_one.grant_id == late.id and late_one.item.due_on == date(2027, 1, 30)
    assert late_one.item.amount == D("72000.00")  # 80 % of 90,000
    # the payments are those the payments overview lists, for what is left of each
    overview = open_items(datetime(2028, 2, 10, 9, tzinfo=UTC))
    assert sorted(
        (d.grant_id, d.item.what, d.item.period, d.item.amount)
        for d in dues.items
        if not d.item.what.endswith("_report")
    ) == sorted((r.grant.id, r.item.kind.value, r.item.period, r.item.left) for r in overview)
    later = queries.dues(datetime(2028, 3, 1, 9, tzinfo=UTC), call.id)
    assert later.count(call.id, "reports_overdue") == 1
    fixed_now(datetime(2028, 3, 1, 9, tzinfo=UTC))
    login_as("staff")
    html = client.get("/staff/oversight").get_data(as_text=True)
    assert "Interim report" in html and "2028-02-29" in html and "Overdue" in html


def _grants(n: int) -> None:
    for k in range(n):
        if k % 3 == 0:
            grant = make_grant(partners=[make_org("FR"), make_org("DE")])
            paid(grant, "1000")
        elif k % 3 == 1:
            terminated(make_call(status="decided"))
        else:
            grant = make_grant(awarded=D("100000.01"), requested_grant=D("100000.01"))
            db.session.add(
                GrantReport(
                    grant_id=grant.id,
                    kind=ReportKind.interim,
                    period=1,
                    status=ReportStatus.approved,
                    due_on=date(2028, 2, 29),
                    reviewed_at=datetime(2028, 1, 20, tzinfo=UTC),
                )
            )
    db.session.commit()


def _queries(db, client) -> int:
    db.session.expunge_all()  # a fresh session, as a real request has
    with count_queries(db.engine) as sent:
        assert client.get("/staff/oversight").status_code == 200
    return selects(sent)


def test_oversight_queries_do_not_grow_with_the_grants(db, client, login_as, fixed_now):
    fixed_now(datetime(2028, 2, 1, 9, tzinfo=UTC))
    login_as("staff")
    _grants(3)
    few = _queries(db, client)
    _grants(30)
    many = _queries(db, client)
    assert few == many
    assert db.session.query(GrantReport).count() == 11  # the second count met ten times more
