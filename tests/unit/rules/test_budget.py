from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.rules.budget import (
    BudgetLimits,
    BudgetLine,
    cap,
    check_budget,
    check_lines,
    compute_totals,
    line_total,
    shares_by_organisation,
)

LIMITS = BudgetLimits(
    grant_min=D("60000.00"),
    grant_max=D("130000.00"),
    min_rate=D("0.50"),
    max_rate=D("0.90"),
    indirect_rate=D("0.07"),
    contingency_rate=D("0.05"),
    duration_min=12,
    duration_max=24,
)


def totals(direct="100000.00", indirect="0.00", contingency="0.00", grant="80000.00"):
    return compute_totals([BudgetLine(1, D(1), D(direct), "tr1")], indirect, contingency, grant)


def codes(problems):
    return [p.code for p in problems]


def test_totals_follow_the_formulas():
    lines = [
        BudgetLine(1, D("12"), D("5354.36"), "tr1"),
        BudgetLine(2, D("1"), D("64252.35"), "eu1"),
    ]
    t = compute_totals(lines, "8995.33", "0", "110000")
    assert t.direct == D("128504.67")
    assert t.total_eligible == D("137500.00")
    assert t.co_financing == D("27500.00")
    assert t.grant_rate == D("0.8000")


def test_line_total_rounds_to_the_cent():
    assert line_total(BudgetLine(5, D("3"), D("0.335"), "x")) == D("1.01")  # 1.005 half up


def test_rate_is_none_without_costs():
    t = compute_totals([], "0", "0", "0")
    assert t.grant_rate is None
    assert codes(check_budget(t, 12, LIMITS)) == ["grant_below_min"]


def test_grant_without_costs_is_a_problem():
    t = compute_totals([], "0", "0", "70000")
    assert "no_eligible_costs" in codes(check_budget(t, 12, LIMITS))


def test_shares_by_organisation_sum_each_partners_lines():
    lines = [
        BudgetLine(1, D(2), D("10.00"), "tr1"),
        BudgetLine(2, D(1), D("5.50"), "eu1"),
        BudgetLine(3, D(1), D("1.25"), "tr1"),
    ]
    assert shares_by_organisation(lines) == {"tr1": D("21.25"), "eu1": D("5.50")}


def test_a_budget_within_every_limit_has_no_problem():
    assert (
        check_budget(
            totals(indirect="7000.00", contingency="5000.00", grant="100000.00"), 24, LIMITS
        )
        == []
    )


def test_grant_above_max_says_by_how_much():
    [p] = check_budget(totals(direct="200000.00", grant="140000.00"), 12, LIMITS)
    assert (p.field, p.code, p.limit, p.actual) == (
        "requested_grant",
        "grant_above_max",
        D("130000.00"),
        D("140000.00"),
    )
    assert p.message == (
        "Requested grant EUR 140,000.00 is above the maximum of EUR 130,000.00 by EUR 10,000.00"
    )


def test_grant_below_min_says_by_how_much():
    [p] = check_budget(totals(direct="80000.00", grant="59999.99"), 12, LIMITS)
    assert p.code == "grant_below_min"
    assert p.message.endswith("below the minimum of EUR 60,000.00 by EUR 0.01")


def test_one_cent_beyond_a_grant_limit_is_refused():
    assert codes(check_budget(totals(direct="150000.00", grant="130000.01"), 12, LIMITS)) == [
        "grant_above_max"
    ]
    assert codes(check_budget(totals(direct="100000.00", grant="59999.99"), 12, LIMITS)) == [
        "grant_below_min"
    ]


def test_grant_at_the_limits_is_accepted():
    assert check_budget(totals(direct="120000.00", grant="60000.00"), 12, LIMITS) == []
    assert check_budget(totals(direct="144444.45", grant="130000.00"), 12, LIMITS) == []


def test_grant_rate_above_max_says_by_how_much():
    [p] = check_budget(totals(direct="100000.00", grant="90000.01"), 12, LIMITS)
    assert (p.code, p.limit, p.actual) == ("rate_above_max", D("0.90"), D("0.9000"))
    assert "at most EUR 90,000.00" in p.message and "over by EUR 0.01" in p.message


def test_grant_rate_below_min_says_by_how_much():
    [p] = check_budget(totals(direct="130000.00", grant="64999.99"), 12, LIMITS)
    assert (p.code, p.limit) == ("rate_below_min", D("0.50"))
    assert "at least EUR 65,000.00" in p.message and "short by EUR 0.01" in p.message


def test_indirect_cap_is_seven_percent_of_direct_rounded_half_up():
    assert cap(D("0.07"), D("128504.67")) == D("8995.33")
    t = compute_totals([BudgetLine(1, D(1), D("128504.67"), "tr1")], "8995.34", "0", "100000")
    [p] = check_budget(t, 12, LIMITS)
    assert (p.field, p.code, p.limit, p.actual) == (
        "indirect",
        "indirect_above_cap",
        D("8995.33"),
        D("8995.34"),
    )
    assert p.message == (
        "Indirect costs EUR 8,995.34 are above the cap of 7.00 % of direct costs"
        " (EUR 8,995.33) by EUR 0.01"
    )


def test_contingency_cap_is_five_percent_of_direct():
    [p] = check_budget(totals(contingency="5100.00", grant="90000.00"), 12, LIMITS)
    assert (p.code, p.limit, p.actual) == ("contingency_above_cap", D("5000.00"), D("5100.00"))
    assert p.message.endswith("(EUR 5,000.00) by EUR 100.00")


@pytest.mark.parametrize(
    ("months", "code", "tail"),
    [
        (11, "duration_below_min", "below the minimum of 12 months by 1"),
        (27, "duration_above_max", "above the maximum of 24 months by 3"),
    ],
)
def test_duration_outside_limits(months, code, tail):
    [p] = check_budget(totals(), months, LIMITS)
    assert p.code == code and p.message.endswith(tail)


def test_negative_amounts_are_refused():
    t = compute_totals([BudgetLine(1, D(1), D("100000"), "tr1")], "-1", "-2", "80000")
    assert [(p.field, p.code) for p in check_budget(t, 12, LIMITS) if p.code == "negative"] == [
        ("indirect", "negative"),
        ("contingency", "negative"),
    ]


def test_lines_with_negative_quantity_or_cost_or_unknown_heading():
    problems = check_lines([BudgetLine(1, D(1), D(1), "a"), BudgetLine(7, D(-1), D(-2), "a")])
    assert [(p.field, p.code) for p in problems] == [
        ("lines.1.heading", "unknown_heading"),
        ("lines.1.quantity", "negative"),
        ("lines.1.unit_cost", "negative"),
    ]


def test_float_amounts_are_refused():
    with pytest.raises(TypeError):
        compute_totals([BudgetLine(1, 1.5, D(1), "a")], "0", "0", "0")  # type: ignore[arg-type]


cents = st.decimals(min_value=0, max_value=10**6, places=2)


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.integers(1, 6), st.integers(0, 50), cents, st.sampled_from("abc")), max_size=8
    ),
    cents,
    cents,
    cents,
)
def test_totals_add_up(raw, indirect, contingency, grant):
    lines = [BudgetLine(h, D(q), c, org) for h, q, c, org in raw]
    t = compute_totals(lines, indirect, contingency, grant)
    assert t.direct == sum(shares_by_organisation(lines).values(), D(0))
    assert t.total_eligible == t.direct + t.indirect + t.contingency
    assert t.co_financing + t.requested_grant == t.total_eligible
    problems = check_budget(t, 12, LIMITS)
    if t.indirect <= t.direct * D("0.07"):
        assert "indirect_above_cap" not in codes(problems)
    if (
        t.total_eligible
        and LIMITS.min_rate <= t.requested_grant / t.total_eligible <= LIMITS.max_rate
    ):
        assert not {"rate_below_min", "rate_above_max"} & set(codes(problems))
