"""docs/domain.md 7, Contract and Payment schemes: contract numbers, grant rate, dates, scheme,
reporting periods."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.rules.grant_terms import (
    GrantTerms,
    InvalidGrant,
    Scheme,
    cents,
    contract_number,
    end_date,
    grant_rate,
    next_contract_number,
    period_after,
    reporting_periods,
    scheme_for,
    start_date,
)

TERMS = GrantTerms()


def test_the_defaults_are_prags():
    assert TERMS == GrantTerms(
        single_max_months=12,
        single_max_grant=D("100000.00"),
        single_prefinancing_rate=D("0.80"),
        prefinancing_due_days=30,
        period_months=12,
        instalment_due_days=60,
        instalment_condition_rate=D("0.70"),
        prefinancing_ceiling_rate=D("0.90"),
        interim_report_days=60,
        final_report_days=90,
        verification_threshold=D("100000.00"),
        heading_flexibility_rate=D("0.25"),
        indirect_rate=D("0.07"),
    )


def test_contract_number_has_three_digits_at_least():
    assert contract_number("TTGS-2018", 7) == "TTGS-2018/G/007"
    assert contract_number("TTGS-2018", 1234) == "TTGS-2018/G/1234"
    with pytest.raises(InvalidGrant):
        contract_number("TTGS-2018", 0)


def test_next_contract_number_follows_the_existing_ones_in_any_order():
    assert next_contract_number("TTGS-2018", []) == "TTGS-2018/G/001"
    existing = ["TTGS-2018/G/002", "TTGS-2018/G/001", "TTGS-2018/G/003"]
    assert next_contract_number("TTGS-2018", existing) == "TTGS-2018/G/004"


@pytest.mark.parametrize(
    "existing",
    [
        ["TTGS-2018/G/001", "TTGS-2018/G/003"],  # a gap
        ["TTGS-2018/G/001", "TTGS-2018/G/001"],  # a duplicate
        ["OTHER-2018/G/001"],  # another call's
        ["TTGS-2018-0001"],  # an application reference
    ],
)
def test_next_contract_number_refuses_gaps_duplicates_and_strangers(existing):
    with pytest.raises(InvalidGrant) as caught:
        next_contract_number("TTGS-2018", existing)
    assert caught.value.field == "number"


def test_grant_rate_is_exact():
    rate = grant_rate(D("130000.00"), D("144444.44"))
    assert rate == Fraction(13000000, 14444444)
    assert rate * Fraction(D("144444.44")) == Fraction(130000)  # no rounding lost
    assert grant_rate(D("90000.00"), D("100000.00")) == Fraction(9, 10)


@pytest.mark.parametrize(("grant", "total"), [("1.00", "0.00"), ("200.00", "100.00"), ("-1", "9")])
def test_grant_rate_refuses_impossible_budgets(grant, total):
    with pytest.raises(InvalidGrant):
        grant_rate(D(grant), D(total))


def test_start_is_the_day_after_the_last_signature_unless_a_later_one_is_set():
    assert start_date(date(2027, 3, 14)) == date(2027, 3, 15)
    assert start_date(date(2027, 3, 14), date(2027, 4, 1)) == date(2027, 4, 1)
    assert start_date(date(2027, 3, 14), date(2027, 3, 1)) == date(2027, 3, 15)  # not earlier


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2027, 3, 15), 18, date(2028, 9, 14)),
        (date(2027, 1, 1), 12, date(2027, 12, 31)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # no 31 February: to the month's end
        (date(2028, 1, 30), 1, date(2028, 2, 29)),  # leap year
        (date(2027, 1, 28), 1, date(2027, 2, 27)),
        (date(2027, 3, 31), 6, date(2027, 9, 30)),  # no 31 September
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
    ],
)
def test_end_date_is_start_plus_months_minus_one_day(start, months, end):
    assert end_date(start, months) == end


def test_end_date_needs_a_month():
    with pytest.raises(InvalidGrant):
        end_date(date(2027, 1, 1), 0)


@pytest.mark.parametrize(
    ("months", "grant", "scheme"),
    [
        (12, "130000.00", Scheme.single),  # at most 12 months
        (24, "100000.00", Scheme.single),  # at most 100,000
        (18, "130000.00", Scheme.periodic),  # TTGS-like: longer and larger
        (13, "100000.01", Scheme.periodic),
    ],
)
def test_scheme_is_single_for_short_or_small_grants(months, grant, scheme):
    assert scheme_for(months, D(grant), TERMS) is scheme


def test_scheme_thresholds_are_the_calls():
    terms = GrantTerms(single_max_months=24, single_max_grant=D("50000.00"))
    assert scheme_for(18, D("130000.00"), terms) is Scheme.single
    assert scheme_for(25, D("130000.00"), terms) is Scheme.periodic


def test_periodic_reporting_periods_are_12_months_the_last_shorter():
    periods = reporting_periods(date(2027, 3, 15), 30, Scheme.periodic, TERMS)
    assert [(p.number, p.start, p.end, p.months) for p in periods] == [
        (1, date(2027, 3, 15), date(2028, 3, 14), 12),
        (2, date(2028, 3, 15), date(2029, 3, 14), 12),
        (3, date(2029, 3, 15), date(2029, 9, 14), 6),
    ]


def test_single_scheme_has_one_period_the_whole_grant():
    periods = reporting_periods(date(2027, 3, 15), 18, Scheme.single, TERMS)
    assert [(p.start, p.end, p.months) for p in periods] == [
        (date(2027, 3, 15), date(2028, 9, 14), 18)
    ]


def test_period_length_is_the_calls():
    periods = reporting_periods(date(2027, 1, 1), 18, Scheme.periodic, GrantTerms(period_months=6))
    assert [p.months for p in periods] == [6, 6, 6]


def test_cents_rounds_half_up_away_from_zero():
    assert cents(Fraction(1, 200)) == D("0.01")
    assert cents(Fraction(-1, 200)) == D("-0.01")
    assert cents(Fraction(1, 300)) == D("0.00")
    assert cents(D("86666.6666")) == D("86666.67")
    assert str(cents(5)) == "5.00"


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    months=st.integers(min_value=1, max_value=120),
)
def test_end_date_is_after_the_start_and_periods_tile_it(start, months):
    end = end_date(start, months)
    assert end > start
    assert period_after(start, months) > end
    for scheme in Scheme:
        periods = reporting_periods(start, months, scheme, TERMS)
        assert periods[0].start == start and periods[-1].end == end
        assert sum(p.months for p in periods) == months
        for before, after in zip(periods, periods[1:], strict=False):
            assert (after.start - before.end).days == 1
