"""docs/domain.md 7, Payment schemes and Payments: the schedule's instalments, balance or recovery
and their states; paid <= final amount <= maximum grant; pre-financing <= 90 %; balance = final -
paid; settled when paid less recovered is the final amount."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from grants.rules.grant_terms import GrantTerms, reporting_periods, scheme_for
from grants.rules.payment_schedule import (
    ItemKind,
    ItemStatus,
    Ledger,
    Movement,
    accepted_costs,
    schedule,
    settled,
)

TERMS = GrantTerms()
START = date(2027, 1, 1)
IN_FORCE = date(2026, 12, 31)
TODAY = date(2027, 1, 10)
RATE = Fraction(9, 10)


def ledger(max_grant="90000.00", months=24, **kw) -> Ledger:
    scheme = kw.pop("scheme", None) or scheme_for(months, D(max_grant), TERMS)
    return Ledger(
        max_grant=D(max_grant),
        scheme=scheme,
        periods=reporting_periods(START, months, scheme, TERMS),
        in_force=kw.pop("in_force", IN_FORCE),
        terms=TERMS,
        rate=kw.pop("rate", RATE),
        **kw,
    )


def paid(amount: str, kind=ItemKind.prefinancing, period=1, authorised=True) -> Movement:
    return Movement(kind, period if kind is ItemKind.prefinancing else None, D(amount), authorised)


def states(items):
    return [(i.kind, i.period, i.amount, i.status) for i in items]


def test_the_single_scheme_one_instalment_then_the_balance_after_the_final_report():
    assert states(schedule(ledger(), TODAY)) == [
        (ItemKind.prefinancing, 1, D("72000.00"), ItemStatus.due),
        (ItemKind.balance, None, D("18000.00"), ItemStatus.waiting_final),
    ]
    assert schedule(ledger(), TODAY)[0].due_on == date(2027, 1, 30)


def test_due_until_its_day_overdue_after_it():
    assert schedule(ledger(), date(2027, 1, 30))[0].status is ItemStatus.due
    assert schedule(ledger(), date(2027, 1, 31))[0].status is ItemStatus.overdue


def test_not_yet_due_before_the_contract_is_in_force():
    first = schedule(ledger(in_force=None), TODAY)[0]
    assert (first.status, first.due_on) == (ItemStatus.not_yet_due, None)


def test_recorded_then_paid_in_part_then_in_full():
    item = schedule(ledger(movements=(paid("72000.00", authorised=False),)), TODAY)[0]
    assert (item.status, item.pending, item.done) == (ItemStatus.recorded, D("72000.00"), 0)
    item = schedule(ledger(movements=(paid("70000.00"),)), date(2027, 2, 1))[0]
    assert (item.status, item.left) == (ItemStatus.overdue, D("2000.00"))
    item = schedule(ledger(movements=(paid("70000.00"), paid("2000.00"))), TODAY)[0]
    assert (item.status, item.left) == (ItemStatus.paid, 0)


def periodic(**kw) -> Ledger:
    return ledger("100000.01", 24, rate=Fraction(10000001, 10700000), **kw)


def test_the_periodic_scheme_cuts_the_instalment_beyond_the_ceiling():
    first, second, balance = schedule(periodic(), TODAY)
    assert (first.amount, first.cut) == (D("50000.01"), False)
    assert (second.formula, second.amount, second.cut) == (D("50000.00"), D("39999.99"), True)
    assert second.status is ItemStatus.waiting_report
    assert balance.amount == D("10000.01")


def test_the_next_instalment_waits_for_the_70_per_cent_condition_then_falls_due():
    low = periodic(interim={1: (date(2028, 2, 1), D("37000.00"))}, movements=(paid("50000.01"),))
    assert schedule(low, date(2028, 2, 2))[1].status is ItemStatus.waiting_condition
    enough = periodic(interim={1: (date(2028, 2, 1), D("40000.00"))}, movements=(paid("50000.01"),))
    second = schedule(enough, date(2028, 2, 2))[1]
    assert (second.status, second.due_on) == (ItemStatus.due, date(2028, 4, 1))


def test_the_final_amount_replaces_unpaid_instalments_by_the_balance_due_60_days_after():
    items = schedule(
        periodic(
            final_amount=D("80000.00"),
            final_approved=date(2029, 3, 1),
            movements=(paid("50000.01"),),
        ),
        date(2029, 3, 2),
    )
    assert [i.status for i in items] == [ItemStatus.paid, ItemStatus.replaced, ItemStatus.due]
    assert (items[-1].kind, items[-1].amount, items[-1].due_on) == (
        ItemKind.balance,
        D("29999.99"),
        date(2029, 4, 30),
    )


def test_a_final_amount_below_the_pre_financing_is_a_recovery_and_equal_is_nothing():
    recovery = schedule(ledger(final_amount=D("60000.00"), movements=(paid("72000.00"),)), TODAY)
    assert (recovery[-1].kind, recovery[-1].amount) == (ItemKind.recovery, D("12000.00"))
    nothing = schedule(ledger(final_amount=D("72000.00"), movements=(paid("72000.00"),)), TODAY)
    assert (nothing[-1].amount, nothing[-1].status) == (0, ItemStatus.nothing)


def test_a_terminated_grant_stops_its_unpaid_instalments():
    items = schedule(periodic(terminated=True, movements=(paid("50000.01"),)), TODAY)
    assert [i.status for i in items] == [
        ItemStatus.paid,
        ItemStatus.replaced,
        ItemStatus.waiting_final,
    ]


def test_accepted_costs_cap_indirect_costs_and_contingency():
    assert accepted_costs(D("1000"), D("100"), D("50"), D("20"), TERMS) == D("1090.00")
    assert accepted_costs(D("1000"), D("10"), D("50"), D("0"), TERMS) == D("1010")


def test_settled_once_paid_less_recovered_is_the_final_amount():
    assert settled(D("85000.00"), D("85000.00"), D("0.00"))
    assert settled(D("60000.00"), D("72000.00"), D("12000.00"))
    assert not settled(D("60000.00"), D("72000.00"), D("11999.99"))
    assert not settled(None, D("72000.00"), D("0.00"))


money = st.decimals(min_value=D("1.00"), max_value=D("5000000.00"), places=2)


@given(max_grant=money, months=st.integers(1, 60))
def test_pre_financing_never_exceeds_90_per_cent_and_the_balance_keeps_the_rest(max_grant, months):
    items = schedule(ledger(str(max_grant), months), TODAY)
    instalments = [i for i in items if i.kind is ItemKind.prefinancing]
    total = sum((i.amount for i in instalments), D("0"))
    assert total <= max_grant * TERMS.prefinancing_ceiling_rate
    assert all(0 <= i.amount <= i.formula for i in instalments)
    assert items[-1].amount == max_grant - total  # at least 10 % kept for the balance


@given(
    max_grant=money,
    share=st.fractions(min_value=0, max_value=1),
    paid_share=st.fractions(min_value=0, max_value=1),
    months=st.integers(1, 36),
)
def test_paid_never_exceeds_the_final_amount_nor_the_final_amount_the_maximum(
    max_grant, share, paid_share, months
):
    """Whatever the final amount (up to the maximum grant) and the pre-financing paid (up to its
    instalments), the balance brings what is paid to the final amount exactly, and a recovery
    brings it back down to it: paid <= final amount <= maximum grant once settled."""
    base = ledger(str(max_grant), months)
    ceiling = sum((i.amount for i in schedule(base, TODAY)[:-1]), D("0"))
    prefinanced = (ceiling * D(paid_share.numerator) / D(paid_share.denominator)).quantize(
        D("0.01"), rounding="ROUND_DOWN"
    )
    final = (max_grant * D(share.numerator) / D(share.denominator)).quantize(
        D("0.01"), rounding="ROUND_DOWN"
    )
    assert 0 <= final <= max_grant
    item = schedule(
        ledger(str(max_grant), months, final_amount=final, movements=(paid(str(prefinanced)),)),
        TODAY,
    )[-1]
    if item.kind is ItemKind.balance:
        assert prefinanced + item.amount == final
        assert settled(final, prefinanced + item.amount, D("0"))
    else:
        assert prefinanced - item.amount == final
        assert settled(final, prefinanced, item.amount)
    assert item.amount == abs(final - prefinanced)
