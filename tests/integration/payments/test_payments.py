"""A grant's payments (docs/domain.md 7): the schedule always shown, to staff and to the
beneficiaries' members; each payment recorded by one staff user and authorised by another; the
database refusing what would pay beyond the ceiling or the final amount; the grant closed once its
balance is paid or recovered."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from grants.models import AuditEvent, Grant, GrantPayment
from grants.payments import queries, services
from grants.rules.grant_status import GrantStatus, PaymentKind, PaymentStatus
from grants.rules.payment_schedule import ItemKind, ItemStatus
from tests.factories import make_org, make_user
from tests.factories.grants import make_grant
from tests.factories.payments import approved_report, recorded_payment

D = Decimal
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)  # the grant is in force since 31 December 2026
TODAY = date(2027, 1, 10)


@pytest.fixture
def grant(db, fixed_now):
    """A single-scheme grant of 90,000.00 in force: 72,000.00 pre-financing due by 30 January
    2027, ceiling 81,000.00."""
    fixed_now(NOW)
    grant = make_grant()
    grant.account_holder, grant.iban = "Çankaya Belediyesi", "TR330006100519786457841326"
    db.session.commit()
    return grant


@pytest.fixture
def two_staff(db):
    first, second = make_user("staff", name="Deniz Kaya"), make_user("staff", name="Selin Ak")
    db.session.commit()
    return first, second


def _statuses(grant: Grant, today: date = TODAY):
    return [(i.kind, i.period, i.amount, i.status) for i in queries.schedule(grant, today)]


def test_the_single_scheme_schedule(grant):
    items = queries.schedule(grant, TODAY)
    assert [(i.kind, i.amount, i.due_on, i.status) for i in items] == [
        (ItemKind.prefinancing, D("72000.00"), date(2027, 1, 30), ItemStatus.due),
        (ItemKind.balance, D("18000.00"), None, ItemStatus.waiting_final),
    ]
    assert queries.schedule(grant, date(2027, 1, 31))[0].status is ItemStatus.overdue


def test_a_contract_not_in_force_shows_its_schedule_not_yet_due(db, fixed_now):
    fixed_now(NOW)
    grant = make_grant(status="signed")
    assert queries.schedule(grant, TODAY)[0].status is ItemStatus.not_yet_due
    assert queries.schedule(grant, TODAY)[0].due_on is None


def test_the_periodic_schedule_cuts_the_last_instalment_and_waits_for_the_report(db, fixed_now):
    fixed_now(NOW)
    grant = make_grant(awarded=D("100000.01"), requested_grant=D("100000.01"))
    first, second, balance = queries.schedule(grant, TODAY)
    assert (first.amount, first.due_on, first.status) == (
        D("50000.01"),
        date(2027, 1, 30),
        ItemStatus.due,
    )
    assert (second.formula, second.amount, second.cut) == (D("50000.00"), D("39999.99"), True)
    assert second.status is ItemStatus.waiting_report
    assert balance.amount == D("10000.01")  # at least 10 % is kept for the balance

    # the interim report approved with too few costs: 37,000 x 100,000.01 / 107,000 < 70 % of the
    # first instalment
    report = approved_report(grant, D("37000.00"), datetime(2028, 2, 1, 9, tzinfo=UTC))
    assert queries.schedule(grant, date(2028, 2, 2))[1].status is ItemStatus.waiting_condition
    report.lines[0].actual = report.lines[0].accepted = D("40000.00")
    db.session.flush()
    second = queries.schedule(grant, date(2028, 2, 2))[1]
    assert (second.due_on, second.status) == (date(2028, 4, 1), ItemStatus.due)


def test_staff_and_the_beneficiaries_see_the_schedule_only_staff_the_form(client, login_as, grant):
    page = f"/grants/{grant.id}/payments"
    login_as("staff")
    html = client.get(page).get_data(as_text=True)
    assert "payment-schedule" in html and "payment-form" in html
    assert "Çankaya Belediyesi" in html and "TR330006100519786457841326" in html
    client.post("/auth/logout")
    login_as(user=make_user("applicant", organisation=grant.application.lead))
    html = client.get(page).get_data(as_text=True)
    assert "payment-schedule" in html and "72,000.00" in html and "payment-form" not in html
    client.post("/auth/logout")
    partner = grant.application.partners[0].organisation
    login_as(user=make_user("applicant", organisation=partner))
    assert client.get(page).status_code == 200
    client.post("/auth/logout")
    login_as(user=make_user("applicant", organisation=make_org()))
    assert client.get(page).status_code == 404


def _record(post, grant, **data):
    form = {"kind": "prefinancing", "amount": "72,000.00", "value_date": "2027-01-20"}
    return post(f"/grants/{grant.id}/payments", {**form, **data})


def test_recorded_in_turkish_refused_to_its_recorder_authorised_by_another(
    client, login_as, post, grant, two_staff, db
):
    first, second = two_staff
    first.locale = "tr"
    db.session.commit()
    login_as(user=first)
    response = _record(post, grant, amount="72.000,00", reference="EFT-1", note="Ön ödeme")
    assert response.status_code == 302
    payment = db.session.scalar(select(GrantPayment).where(GrantPayment.grant_id == grant.id))
    assert (payment.amount, payment.period, payment.status, payment.recorded_by_id) == (
        D("72000.00"),
        1,
        PaymentStatus.recorded,
        first.id,
    )
    assert _statuses(grant)[0][3] is ItemStatus.recorded

    response = post(
        f"/grants/{grant.id}/payments/{payment.id}/authorise", page=f"/grants/{grant.id}/payments"
    )
    assert response.status_code == 302
    html = client.get(f"/grants/{grant.id}/payments").get_data(as_text=True)
    assert "dört göz" in html  # the refusal, in the recorder's language
    db.session.refresh(payment)
    assert payment.status is PaymentStatus.recorded

    client.post("/auth/logout")
    login_as(user=second)
    post(f"/grants/{grant.id}/payments/{payment.id}/authorise", page=f"/grants/{grant.id}/payments")
    db.session.expire_all()
    payment, grant = db.session.get(GrantPayment, payment.id), db.session.get(Grant, grant.id)
    assert (payment.status, payment.authorised_by_id) == (PaymentStatus.authorised, second.id)
    assert (grant.prefinancing_paid, grant.paid_total) == (D("72000.00"), D("72000.00"))
    assert _statuses(grant)[0][3] is ItemStatus.paid
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "GrantPayment", AuditEvent.object_id == str(payment.id)
        )
    ).all()
    assert sorted(actions) == ["payment.authorised", "payment.recorded"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("72,000.01", "At most €72,000.00 is left"),
        ("abc", "Enter a number such as"),
        ("0", "Enter an amount above zero."),
    ],
)
def test_a_wrong_amount_is_refused_on_the_form_keeping_what_was_typed(
    client, login_as, post, grant, amount, message
):
    login_as("staff")
    response = _record(post, grant, amount=amount)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert f'value="{amount}"' in html
    assert not grant.payments


def test_a_balance_before_the_final_amount_is_refused(login_as, post, grant):
    login_as("staff")
    response = _record(post, grant, kind="balance", amount="100")
    assert response.status_code == 400
    assert "only once the final amount is set" in response.get_data(as_text=True)


def test_a_recorded_payment_is_cancelled(client, login_as, post, grant, two_staff, db):
    first, _ = two_staff
    payment = recorded_payment(grant, D("1000.00"), first.id)
    db.session.commit()
    login_as("staff")
    post(f"/grants/{grant.id}/payments/{payment.id}/cancel", page=f"/grants/{grant.id}/payments")
    db.session.refresh(payment)
    assert payment.status is PaymentStatus.cancelled
    with pytest.raises(services.PaymentRefused):
        services.authorise(payment, two_staff[1].id, NOW)


def test_the_database_refuses_pre_financing_beyond_the_ceiling(grant, two_staff, db):
    first, second = two_staff
    one = recorded_payment(grant, D("72000.00"), first.id)
    two = recorded_payment(grant, D("72000.00"), first.id)
    services.authorise(one, second.id, NOW)
    with pytest.raises(services.PaymentRefused) as refused:
        services.authorise(two, second.id, NOW)
    assert "ceiling" in refused.value.message
    assert refused.value.params["left"].value == D("9000.00")
    db.session.refresh(two)
    db.session.refresh(grant)
    assert two.status is PaymentStatus.recorded
    assert (grant.prefinancing_paid, grant.paid_total) == (D("72000.00"), D("72000.00"))


def test_the_database_refuses_a_payment_authorised_by_its_recorder(grant, two_staff, db):
    payment = recorded_payment(grant, D("100.00"), two_staff[0].id)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            update(GrantPayment)
            .where(GrantPayment.id == payment.id)
            .values(
                status=PaymentStatus.authorised, authorised_by_id=two_staff[0].id, authorised_at=NOW
            )
        )


def _prefinanced(grant, two_staff, final: Decimal):
    """72,000 pre-financing paid, then the final report approved on 1 March 2029 with `final`."""
    first, second = two_staff
    services.authorise(recorded_payment(grant, D("72000.00"), first.id), second.id, NOW)
    approved_report(grant, D("80000.00"), datetime(2029, 3, 1, 9, tzinfo=UTC), kind="final")
    grant.final_amount = final
    return services.settle_if_done(grant, None, NOW)


def test_the_balance_paid_closes_the_grant(grant, two_staff, db):
    assert _prefinanced(grant, two_staff, D("85000.00")) is False
    balance = queries.schedule(grant, date(2029, 3, 2))[-1]
    assert (balance.kind, balance.amount, balance.due_on, balance.status) == (
        ItemKind.balance,
        D("13000.00"),
        date(2029, 4, 30),
        ItemStatus.due,
    )
    payment = services.record(
        grant, PaymentKind.balance, D("13000.00"), date(2029, 4, 1), "", "", two_staff[0].id, NOW
    )
    services.authorise(payment, two_staff[1].id, NOW)
    assert (grant.status, grant.paid_total, grant.closed_at) == (
        GrantStatus.closed,
        D("85000.00"),
        NOW,
    )
    assert queries.schedule(grant, date(2029, 4, 2))[-1].status is ItemStatus.paid


def test_the_database_refuses_a_balance_beyond_the_final_amount(grant, two_staff, db):
    _prefinanced(grant, two_staff, D("85000.00"))
    one = recorded_payment(grant, D("13000.00"), two_staff[0].id, kind="balance")
    two = recorded_payment(grant, D("13000.00"), two_staff[0].id, kind="balance")
    services.authorise(one, two_staff[1].id, NOW)
    assert grant.status is GrantStatus.closed
    with pytest.raises(services.PaymentRefused):  # the grant is closed: nothing moves any more
        services.authorise(two, two_staff[1].id, NOW)
    grant.status = GrantStatus.in_force  # as if it had not closed: the CHECK still refuses
    with pytest.raises(services.PaymentRefused) as refused:
        services.authorise(two, two_staff[1].id, NOW)
    assert "final amount" in refused.value.message
    assert refused.value.params["left"].value == D("0.00")


def test_the_recovery_closes_the_grant_and_never_recovers_more(grant, two_staff, db):
    _prefinanced(grant, two_staff, D("60000.00"))
    recovery = queries.schedule(grant, date(2029, 3, 2))[-1]
    assert (recovery.kind, recovery.amount) == (ItemKind.recovery, D("12000.00"))
    with pytest.raises(services.PaymentRefused):
        services.record(
            grant, PaymentKind.balance, D("1.00"), date(2029, 4, 1), "", "", two_staff[0].id, NOW
        )
    too_much = recorded_payment(grant, D("12000.01"), two_staff[0].id, kind="recovery")
    with pytest.raises(services.PaymentRefused) as refused:
        services.authorise(too_much, two_staff[1].id, NOW)
    assert refused.value.params["left"].value == D("12000.00")
    services.cancel(too_much, two_staff[1].id, NOW)  # else it still counts as waiting
    payment = services.record(
        grant, PaymentKind.recovery, D("12000.00"), date(2029, 4, 1), "", "", two_staff[0].id, NOW
    )
    services.authorise(payment, two_staff[1].id, NOW)
    assert (grant.status, grant.paid_total, grant.recovered_total) == (
        GrantStatus.closed,
        D("72000.00"),
        D("12000.00"),
    )


def test_a_zero_balance_closes_the_grant_when_the_final_amount_is_set(grant, two_staff, db):
    assert _prefinanced(grant, two_staff, D("72000.00")) is True
    assert grant.status is GrantStatus.closed
    assert queries.schedule(grant, date(2029, 3, 2))[-1].status is ItemStatus.nothing
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grant.closed"))
    assert event.after["status"] == "closed"


def test_a_grant_without_a_final_amount_is_never_settled(grant, two_staff, db):
    services.authorise(
        recorded_payment(grant, D("72000.00"), two_staff[0].id), two_staff[1].id, NOW
    )
    assert services.settle_if_done(grant, None, NOW) is False
    assert grant.status is GrantStatus.in_force


def test_unpaid_instalments_are_replaced_by_the_balance(grant, db):
    grant.final_amount = D("50000.00")
    db.session.flush()
    first, balance = queries.schedule(grant, TODAY)
    assert first.status is ItemStatus.replaced
    assert (balance.kind, balance.amount, balance.status) == (
        ItemKind.balance,
        D("50000.00"),
        ItemStatus.due,
    )


def test_a_terminated_grant_pays_no_more_pre_financing_and_closes_once_recovered(
    grant, two_staff, db
):
    first, second = two_staff
    services.authorise(recorded_payment(grant, D("40000.00"), first.id), second.id, NOW)
    waiting = recorded_payment(grant, D("1000.00"), first.id)
    grant.status, grant.terminated_at = GrantStatus.terminated, NOW
    grant.final_amount = D("30000.00")  # what the termination's accepted costs cover
    db.session.flush()
    assert [i.status for i in queries.schedule(grant, TODAY)] == [
        ItemStatus.recorded,  # the 1,000.00 still waits: it can only be cancelled
        ItemStatus.due,
    ]
    with pytest.raises(services.PaymentRefused, match="terminated"):
        services.authorise(waiting, second.id, NOW)
    with pytest.raises(services.PaymentRefused, match="terminated"):
        services.record(grant, PaymentKind.prefinancing, D("1.00"), TODAY, "", "", first.id, NOW)
    services.cancel(waiting, second.id, NOW)
    assert queries.schedule(grant, TODAY)[0].status is ItemStatus.replaced
    recovery = services.record(
        grant, PaymentKind.recovery, D("10000.00"), TODAY, "ORD-7", "", first.id, NOW
    )
    services.authorise(recovery, second.id, NOW)
    assert (grant.status, grant.recovered_total) == (GrantStatus.closed, D("10000.00"))


def test_a_closed_grant_shows_its_payments_and_no_form_to_record_more(
    client, login_as, grant, two_staff, db
):
    """Once the balance is paid the grant is closed: staff still see the schedule and the
    payments, but nothing is left to record (the service would refuse it)."""
    _prefinanced(grant, two_staff, D("85000.00"))
    payment = services.record(
        grant, PaymentKind.balance, D("13000.00"), date(2029, 4, 1), "", "", two_staff[0].id, NOW
    )
    services.authorise(payment, two_staff[1].id, NOW)
    db.session.commit()
    login_as(user=two_staff[0])
    html = client.get(f"/grants/{grant.id}/payments").get_data(as_text=True)
    assert "payment-schedule" in html and "13,000.00" in html and "payment-form" not in html
