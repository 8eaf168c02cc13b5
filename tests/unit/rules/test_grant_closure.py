"""docs/domain.md 7, Final amount and Amendments: headings capped at their flexibility, indirect
and contingency, the final amount, the balance, termination recovery."""

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.rules.grant_closure import (
    ABOVE_FLEXIBILITY,
    BalanceKind,
    Heading,
    balance,
    final_amount,
    termination_recovery,
)
from grants.rules.grant_terms import GrantTerms, InvalidGrant

TERMS = GrantTerms()
ZERO = D("0.00")


def close(headings, indirect="0.00", contingency="0.00", authorised="0.00", **kw):
    grant, total = D(kw.get("grant", "90000.00")), D(kw.get("total", "100000.00"))
    return final_amount(
        headings, D(indirect), D(contingency), D(authorised), grant, total, kw.get("terms", TERMS)
    )


def test_heading_capped_at_its_contract_amount_plus_25_percent_excess_set_aside():
    result = close([Heading("1", D("40000.00"), D("52000.00")), Heading("2", D("60000.00"), ZERO)])
    first = result.headings[0]
    assert (first.cap, first.accepted, first.set_aside) == (D("50000"), D("50000"), D("2000.00"))
    assert first.reason == ABOVE_FLEXIBILITY
    assert result.headings[1].set_aside == 0 and result.headings[1].reason == ""
    assert result.direct == D("50000.00")


def test_flexibility_is_the_calls():
    result = close(
        [Heading("1", D("40000.00"), D("52000.00"))],
        terms=GrantTerms(heading_flexibility_rate=D("0.10")),
    )
    assert result.headings[0].accepted == D("44000.00")


def test_indirect_is_the_lesser_of_reported_and_the_rate_of_accepted_direct():
    heading = [Heading("1", D("100000.00"), D("80000.00"))]
    assert close(heading, indirect="7000.00").indirect == D("5600.00")  # 7 % of 80,000
    assert close(heading, indirect="5000.00").indirect == D("5000.00")
    assert close(
        heading, indirect="7000.00", terms=GrantTerms(indirect_rate=D("0.05"))
    ).indirect == D("4000.00")


def test_contingency_only_as_authorised_none_by_default():
    heading = [Heading("1", D("100000.00"), D("80000.00"))]
    assert close(heading, contingency="3000.00").contingency == ZERO
    assert close(heading, contingency="3000.00", authorised="2000.00").contingency == D("2000.00")
    assert close(heading, contingency="1000.00", authorised="2000.00").contingency == D("1000.00")


def test_final_amount_worked_example():
    # contract: 144,444.44 total, 130,000 maximum grant (rate 0.9000000...)
    headings = [
        Heading("1", D("60000.00"), D("70000.00")),
        Heading("2", D("75000.00"), D("55000.55")),
    ]
    result = close(
        headings,
        indirect="9000.00",
        contingency="500.00",
        authorised="400.00",
        grant="130000.00",
        total="144444.44",
    )
    assert result.direct == D("125000.55")
    assert result.indirect == D("8750.0385")  # 7 % kept exact
    assert result.contingency == D("400.00")
    assert result.total == D("134150.5885")
    # 134,150.5885 x 130,000 / 144,444.44 = 120,735.5333... -> 120,735.53
    assert result.amount == D("120735.53")


def test_final_amount_never_above_the_maximum_grant():
    result = close([Heading("1", D("100000.00"), D("125000.00"))], grant="90000.00")
    assert result.amount == D("90000.00")


def test_final_amount_rounds_half_up_at_the_last_step_only():
    # 0.01 x 1 / 2 = 0.005 -> 0.01 (half up)
    result = close([Heading("1", D("1.00"), D("0.01"))], grant="1.00", total="2.00")
    assert result.amount == D("0.01")


def test_final_amount_refuses_bad_input():
    with pytest.raises(InvalidGrant):
        close([Heading("1", D("1.00"), D("1.00"))], total="0.00")
    with pytest.raises(InvalidGrant) as caught:
        close([Heading("1", D("1.00"), D("-1.00"))])
    assert caught.value.field == "accepted"


@pytest.mark.parametrize(
    ("final", "paid", "kind", "amount"),
    [
        ("120735.53", "117000.00", BalanceKind.payment, "3735.53"),
        ("80000.00", "86666.67", BalanceKind.recovery, "6666.67"),
        ("72000.00", "72000.00", BalanceKind.none, "0.00"),
    ],
)
def test_balance_is_final_minus_paid(final, paid, kind, amount):
    result = balance(D(final), D(paid))
    assert (result.kind, result.amount) == (kind, D(amount))


def test_termination_recovers_the_prefinancing_not_covered_by_accepted_costs():
    rate = Fraction(9, 10)
    # 86,666.67 paid; 50,000.01 accepted x 0.9 = 45,000.009 covered: 41,666.661 -> 41,666.66
    assert termination_recovery(D("86666.67"), D("50000.01"), rate) == D("41666.66")
    assert termination_recovery(D("86666.67"), D("100000.00"), rate) == ZERO


money = st.decimals(min_value=0, max_value=D("9999999.99"), places=2)


@given(
    contract=st.lists(money, min_size=1, max_size=5),
    accepted=st.lists(money, min_size=5, max_size=5),
    indirect=money,
    contingency=money,
    authorised=money,
    grant_share=st.decimals(min_value=0, max_value=1, places=4),
    paid=money,
)
def test_final_amount_properties(
    contract, accepted, indirect, contingency, authorised, grant_share, paid
):
    headings = [Heading(str(i), c, a) for i, (c, a) in enumerate(zip(contract, accepted))]
    total = sum(contract) + D("1.00")
    grant = (total * grant_share).quantize(D("0.01"), rounding="ROUND_DOWN")
    result = close(
        headings,
        str(indirect),
        str(contingency),
        str(authorised),
        grant=str(grant),
        total=str(total),
    )
    assert result.amount <= grant
    assert result.amount == result.amount.quantize(D("0.01"))
    assert result.amount.as_tuple().exponent == -2
    assert all(h.accepted + h.set_aside == a for h, a in zip(result.headings, accepted))
    settled = balance(result.amount, paid)
    signed = {BalanceKind.payment: 1, BalanceKind.recovery: -1, BalanceKind.none: 0}[settled.kind]
    assert signed * settled.amount == result.amount - paid
