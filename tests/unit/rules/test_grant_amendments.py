"""docs/domain.md 7, Amendments: a later end date only; a budget change keeps the call's limits and
"never raises the maximum grant"."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.rules.grant_amendments import AmendmentRefused, amended_budget, amended_period

LIMITS = {
    "indirect_rate": D("0.07"),
    "contingency_rate": D("0.05"),
    "min_rate": D("0.50"),
    "max_rate": D("0.90"),
    "currency": "EUR",
}


def budget(amounts, indirect="0", contingency="0", wanted=None, paid="0", **kw):
    return amended_budget(
        [D(a) for a in amounts],
        D(indirect),
        D(contingency),
        max_grant=D(kw.get("max_grant", "90000.00")),
        contract_total=D(kw.get("total", "107000.00")),
        wanted_max=None if wanted is None else D(wanted),
        paid=D(paid),
        **LIMITS,
    )


def test_a_later_end_date_counts_the_months_that_reach_it():
    start, end = date(2027, 1, 1), date(2028, 12, 31)
    assert amended_period(start, end, date(2029, 3, 31)) == 27
    assert amended_period(start, end, date(2029, 1, 1)) == 25  # a day into the 25th month


@pytest.mark.parametrize("new", [date(2028, 12, 31), date(2028, 6, 30)])
def test_an_end_date_not_later_is_refused(new):
    with pytest.raises(AmendmentRefused) as refused:
        amended_period(date(2027, 1, 1), date(2028, 12, 31), new)
    assert refused.value.field == "end_date"


def test_a_smaller_budget_keeps_the_rate():
    result = budget(["50000", "40000"], indirect="6300")
    assert result.total == D("96300.00")
    assert result.max_grant == D("81000.00")  # 90,000 x 96,300 / 107,000


def test_a_larger_budget_keeps_the_maximum():
    result = budget(["70000", "40000"], indirect="7700")
    assert (result.total, result.max_grant) == (D("117700.00"), D("90000.00"))


def test_a_lower_maximum_may_be_asked():
    assert budget(["60000", "40000"], indirect="7000", wanted="80000").max_grant == D("80000.00")


def test_a_higher_maximum_is_refused_with_both_amounts():
    with pytest.raises(AmendmentRefused) as refused:
        budget(["70000", "40000"], indirect="7700", wanted="90000.01")
    issue = refused.value.issues[0]
    assert issue.field == "max_grant" and "never raises" in issue.message
    assert str(issue.params["current"]) == "EUR 90,000.00"


def test_the_call_caps_and_rate_hold():
    with pytest.raises(AmendmentRefused) as refused:
        budget(["60000", "40000"], indirect="7000.01", contingency="5000.01")
    assert [i.field for i in refused.value.issues] == ["indirect", "contingency"]
    with pytest.raises(AmendmentRefused) as refused:
        budget(["170000", "40000"], indirect="0")  # 90,000 / 210,000 is below 50 %
    assert [i.field for i in refused.value.issues] == ["max_grant"]


def test_the_maximum_never_falls_below_what_was_paid():
    with pytest.raises(AmendmentRefused) as refused:
        budget(["50000", "40000"], indirect="6300", paid="81000.01")
    assert "already paid" in refused.value.issues[0].message


@pytest.mark.parametrize("amounts", [["-1", "40000"], ["0", "0"]])
def test_negative_or_empty_budgets_are_refused(amounts):
    with pytest.raises(AmendmentRefused):
        budget(amounts)


@given(
    st.lists(st.integers(min_value=0, max_value=10_000_000), min_size=1, max_size=6),
    st.integers(min_value=0, max_value=9_000_000),
)
def test_the_maximum_grant_never_goes_up(cents_list, wanted_cents):
    amounts = [str(D(c) / 100) for c in cents_list]
    direct = sum(D(a) for a in amounts)
    if direct <= 0:
        return
    try:
        result = budget(amounts, wanted=str(D(wanted_cents) / 100))
    except AmendmentRefused:
        return
    assert result.max_grant <= D("90000.00")
    assert result.max_grant <= result.total
