"""Staff's overview of payments (docs/domain.md 7, "What is due, to whom and by when is always
shown"): what is due and overdue across grants, and the payments waiting for an authorisation;
paginated, at a constant number of queries."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from grants.payments import services
from tests.conftest import count_queries, selects
from tests.factories import make_call, make_user
from tests.factories.grants import make_grant
from tests.factories.payments import recorded_payment

D = Decimal
NOW = datetime(2027, 2, 10, 9, 0, tzinfo=UTC)  # the grants' first instalments were due 30 January


@pytest.fixture
def grants(db, fixed_now):
    fixed_now(NOW)
    call = make_call(status="decided")
    made = [make_grant(call=call) for _ in range(3)]
    made[0].account_holder, made[0].iban = "Çankaya Belediyesi", "TR330006100519786457841326"
    db.session.commit()
    return made


def test_staff_see_what_is_due_to_whom_and_what_waits_for_authorisation(
    client, login_as, grants, db
):
    recorder, authoriser = make_user("staff"), make_user("staff")
    paid = grants[1]
    services.authorise(recorded_payment(paid, D("72000.00"), recorder.id), authoriser.id, NOW)
    waiting = recorded_payment(grants[2], D("1000.00"), recorder.id)
    db.session.commit()
    login_as("staff")
    html = client.get("/staff/payments").get_data(as_text=True)
    due = html.split('id="payments-due"')[1].split("</table>")[0]
    assert grants[0].number in due and "Çankaya Belediyesi" in due and "TR3300061005" in due
    assert "€72,000.00" in due and "Overdue" in due and "January 30, 2027" in due
    assert paid.number not in due  # paid
    assert grants[2].number not in due  # its payment is recorded: waiting for authorisation
    waiting_table = html.split('id="payments-waiting"')[1].split("</table>")[0]
    assert grants[2].number in waiting_table and f"#payment-{waiting.id}" in waiting_table


def test_the_overview_costs_the_same_queries_for_more_grants(client, login_as, grants, db, app):
    login_as("staff")
    client.get("/staff/payments")
    with count_queries(db.engine) as few:
        assert client.get("/staff/payments").status_code == 200
    call = make_call(status="decided")
    staff = make_user("staff")
    for _ in range(4):
        grant = make_grant(call=call)
        recorded_payment(grant, D("10.00"), staff.id)
    db.session.commit()
    with count_queries(db.engine) as more:
        html = client.get("/staff/payments").get_data(as_text=True)
    assert html.count("/payments#payment-") == 4
    assert selects(more) == selects(few)


def test_the_overview_is_paginated(client, login_as, grants, db, monkeypatch):
    monkeypatch.setattr("grants.payments.routes.PER_PAGE", 2)
    login_as("staff")
    first = client.get("/staff/payments").get_data(as_text=True)
    second = client.get("/staff/payments?page=2").get_data(as_text=True)
    shown = [g.number for g in grants if g.number in first.split('id="payments-due"')[1]]
    assert len(shown) == 2
    assert [g.number for g in grants if g.number not in shown][0] in second


def test_a_grants_payments_page_costs_the_same_queries_for_more_payments(
    client, login_as, grants, db
):
    grant, staff = grants[0], make_user("staff")
    page = f"/grants/{grant.id}/payments"
    recorded_payment(grant, D("10.00"), staff.id)
    db.session.commit()
    login_as("staff")
    client.get(page)
    with count_queries(db.engine) as few:
        client.get(page)
    for _ in range(5):
        services.authorise(
            recorded_payment(grant, D("10.00"), staff.id), grants[1].created_by_id, NOW
        )
    db.session.commit()
    with count_queries(db.engine) as more:
        html = client.get(page).get_data(as_text=True)
    assert html.count('<tr id="payment-') == 6
    assert selects(more) == selects(few)
