"""docs/domain.md 7, Settings: the rules on a call's settings of its grants."""

from decimal import Decimal as D

import pytest

from grants.calls.defaults import CALL_DEFAULTS
from grants.rules.call_settings import check_call
from grants.rules.grant_settings import check_grant_settings
from grants.rules.grant_terms import GrantTerms

DEFAULTS = {name: CALL_DEFAULTS[name] for name in GrantTerms.__dataclass_fields__}


def test_the_call_defaults_are_the_grant_terms_defaults_and_pass():
    assert GrantTerms(**DEFAULTS) == GrantTerms()
    assert check_grant_settings(DEFAULTS) == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("single_max_months", 0, "Enter a whole number of months from 1 to %(max)s."),
        ("period_months", 121, "Enter a whole number of months from 1 to %(max)s."),
        ("prefinancing_due_days", -1, "Enter a whole number of days from %(min)s to %(max)s."),
        ("instalment_due_days", 366, "Enter a whole number of days from %(min)s to %(max)s."),
        ("interim_report_days", 0, "Enter a whole number of days from %(min)s to %(max)s."),
        ("final_report_days", 0, "Enter a whole number of days from %(min)s to %(max)s."),
        (
            "single_max_grant",
            D("-0.01"),
            "Enter an amount from 0 to %(limit)s with at most 2 decimals.",
        ),
        (
            "verification_threshold",
            D("1.001"),
            "Enter an amount from 0 to %(limit)s with at most 2 decimals.",
        ),
        ("instalment_condition_rate", D("1.01"), "A percentage must be between 0 and 100."),
        ("heading_flexibility_rate", D("-0.01"), "A percentage must be between 0 and 100."),
        ("heading_flexibility_rate", D("0.12345"), "Use at most 2 decimals."),
    ],
)
def test_each_setting_out_of_range_is_refused_on_its_field(name, value, message):
    issues = check_grant_settings({**DEFAULTS, name: value})
    assert [(i.field, i.message) for i in issues] == [(name, message)]


def test_the_bounds_themselves_pass():
    edge = {
        **DEFAULTS,
        "single_max_months": 120,
        "period_months": 1,
        "prefinancing_due_days": 0,
        "instalment_due_days": 365,
        "interim_report_days": 1,
        "final_report_days": 365,
        "single_max_grant": D("0.00"),
        "heading_flexibility_rate": D("1"),
        "single_prefinancing_rate": D("0.90"),  # equal to the ceiling
    }
    assert check_grant_settings(edge) == []


def test_single_prefinancing_above_the_ceiling_is_refused():
    issues = check_grant_settings({**DEFAULTS, "single_prefinancing_rate": D("0.95")})
    assert [(i.field, str(i)) for i in issues] == [
        (
            "single_prefinancing_rate",
            "The single pre-financing cannot be more than the pre-financing ceiling (90 %): no "
            "more than that is ever paid before the final report.",
        )
    ]


def test_unread_values_are_skipped_and_the_call_check_includes_these_rules():
    assert check_grant_settings({}) == []
    issues = check_call({"period_months": 0}, None)
    assert [i.field for i in issues] == ["period_months"]
