"""docs/domain.md 7, Payment schemes and Reports: pre-financing, the 90 % ceiling, the 70 %
condition, report due dates, expenditure verification."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.rules.grant_payments import (
    ceiling,
    instalment_due,
    needs_verification,
    next_instalment_released,
    prefinancing,
    reports_due,
)
from grants.rules.grant_terms import (
    GrantTerms,
    InvalidGrant,
    Scheme,
    end_date,
    reporting_periods,
    scheme_for,
)

TERMS = GrantTerms()
START = date(2027, 3, 15)
IN_FORCE = date(2027, 3, 10)


def schedule(grant: str, months: int, terms: GrantTerms = TERMS, scheme: Scheme | None = None):
    scheme = scheme or scheme_for(months, D(grant), terms)
    periods = reporting_periods(START, months, scheme, terms)
    return prefinancing(D(grant), scheme, periods, IN_FORCE, terms)


def test_single_prefinancing_is_80_percent_due_30_days_after_in_force():
    (only,) = schedule("90000.00", 18)
    assert (only.amount, only.payable, only.due_on) == (
        D("72000.00"),
        D("72000.00"),
        date(2027, 4, 9),
    )


def test_ttgs_like_grant_130000_over_18_months_is_periodic_and_cut_by_the_ceiling():
    first, second = schedule("130000.00", 18)
    # 130,000 x 12 / 18 = 86,666.666... -> 86,666.67; the last takes the rounding: 43,333.33
    assert (first.period, first.amount, first.payable) == (1, D("86666.67"), D("86666.67"))
    assert (second.period, second.amount) == (2, D("43333.33"))
    # 90 % of 130,000 = 117,000: the second instalment is cut to 117,000 - 86,666.67
    assert second.payable == D("30333.33")
    assert first.due_on == date(2027, 4, 9) and second.due_on is None


def test_periodic_three_periods_last_takes_the_rounding():
    instalments = schedule("100000.01", 25)  # 12 + 12 + 1 months
    assert [i.amount for i in instalments] == [D("48000.00"), D("48000.00"), D("4000.01")]
    assert [i.payable for i in instalments] == [D("48000.00"), D("42000.00"), D("0.00")]


def test_single_prefinancing_is_cut_by_the_ceiling_too():
    terms = GrantTerms(single_prefinancing_rate=D("1.00"))
    (only,) = schedule("1000.00", 6, terms)
    assert (only.amount, only.payable) == (D("1000.00"), D("900.00"))


def test_ceiling_rounds_down_so_it_is_never_exceeded():
    assert ceiling(D("130000.00"), TERMS) == D("117000.00")
    assert ceiling(D("0.05"), TERMS) == D("0.04")  # 0.045 rounded down


def test_prefinancing_refuses_bad_amounts():
    periods = reporting_periods(START, 6, Scheme.single, TERMS)
    with pytest.raises(InvalidGrant):
        prefinancing(D("1.001"), Scheme.single, periods, IN_FORCE, TERMS)
    with pytest.raises(InvalidGrant):
        prefinancing(D("1.00"), Scheme.single, [], IN_FORCE, TERMS)


def test_next_instalment_due_60_days_after_the_interim_report_is_approved():
    assert instalment_due(date(2028, 4, 20), TERMS) == date(2028, 6, 19)
    assert instalment_due(date(2028, 4, 20), GrantTerms(instalment_due_days=10)) == date(
        2028, 4, 30
    )


def test_70_percent_condition_on_the_last_instalment_100_on_the_earlier_ones():
    rate = Fraction(9, 10)
    paid = [D("40000.00"), D("30000.00")]
    # needed: 40,000 + 70 % x 30,000 = 61,000 of costs x rate, i.e. costs of 67,777.77...
    assert next_instalment_released(D("67777.78"), rate, paid, TERMS)
    assert not next_instalment_released(D("67777.77"), rate, paid, TERMS)
    # only one paid: 70 % of it
    assert next_instalment_released(D("70000.00"), Fraction(1), [D("100000.00")], TERMS)
    assert not next_instalment_released(D("69999.99"), Fraction(1), [D("100000.00")], TERMS)
    assert next_instalment_released(D("0.00"), rate, [], TERMS)  # the first one


def test_condition_rate_is_the_calls():
    terms = GrantTerms(instalment_condition_rate=D("0.50"))
    assert next_instalment_released(D("50000.00"), Fraction(1), [D("100000.00")], terms)


def test_interim_report_per_period_but_the_last_and_a_final_report():
    periods = reporting_periods(START, 30, Scheme.periodic, TERMS)
    due = reports_due(periods, end_date(START, 30), TERMS)
    assert [(r.kind, r.period, r.due_on) for r in due] == [
        ("interim", 1, date(2028, 5, 13)),  # 14 March 2028 + 60 days
        ("interim", 2, date(2029, 5, 13)),
        ("final", 3, date(2029, 12, 13)),  # 14 September 2029 + 90 days
    ]


def test_single_scheme_has_only_the_final_report():
    periods = reporting_periods(START, 12, Scheme.single, TERMS)
    due = reports_due(periods, end_date(START, 12), GrantTerms(final_report_days=30))
    assert [(r.kind, r.due_on) for r in due] == [("final", date(2028, 4, 13))]


def test_expenditure_verification_above_100000_only():
    assert needs_verification(D("100000.01"), TERMS)
    assert not needs_verification(D("100000.00"), TERMS)
    assert not needs_verification(D("100000.01"), GrantTerms(verification_threshold=D("200000")))


grants = st.decimals(min_value=0, max_value=D("999999999.99"), places=2)
months = st.integers(min_value=1, max_value=120)
rates = st.decimals(min_value=0, max_value=1, places=4)


@given(grant=grants, length=months, scheme=st.sampled_from(Scheme), ceiling_rate=rates)
def test_instalments_add_up_to_the_grant_and_payments_stay_under_the_ceiling(
    grant, length, scheme, ceiling_rate
):
    terms = GrantTerms(prefinancing_ceiling_rate=ceiling_rate)
    instalments = schedule(str(grant), length, terms, scheme)
    paid = sum(i.payable for i in instalments)
    assert paid <= grant * ceiling_rate
    assert all(i.payable >= 0 and i.payable <= i.amount for i in instalments)
    assert all(i.amount == i.amount.quantize(D("0.01")) for i in instalments)
    if scheme is Scheme.periodic:
        assert sum(i.amount for i in instalments) == grant


def test_a_grant_of_a_few_cents_never_gets_a_negative_instalment():
    """8 cents over 37 months (12, 12, 12, 1): each of the first three periods rounds up to 3
    cents, which would leave the last -1 cent: the rounding is taken back from the period before
    it."""
    instalments = schedule("0.08", 37, TERMS, Scheme.periodic)
    assert [i.amount for i in instalments] == [D("0.03"), D("0.03"), D("0.02"), D("0.00")]
