"""Rules a call's settings of its grants must follow (docs/domain.md 7): pure checks over the
plain settings dict of grants.rules.call_settings, each problem an `Issue` naming its form field.

A value that could not be read is None (or absent) and its checks are skipped.
"""

from __future__ import annotations

from decimal import Decimal

from .problems import N_, Issue

MONEY_LIMIT = Decimal("1000000000000")  # Numeric(14, 2)
CENT = Decimal("0.01")
DAYS_LIMIT = 365
MONTHS_LIMIT = 120
MONTHS = ("single_max_months", "period_months")
DAYS = (  # (field, least)
    ("prefinancing_due_days", 0),
    ("instalment_due_days", 0),
    ("interim_report_days", 1),
    ("final_report_days", 1),
    ("report_reminder_days", 1),
    ("payment_reminder_days", 0),
)
AMOUNTS = ("single_max_grant", "verification_threshold")
RATES = (
    "single_prefinancing_rate",
    "instalment_condition_rate",
    "prefinancing_ceiling_rate",
    "heading_flexibility_rate",
)


def _months(s: dict) -> list[Issue]:
    return [
        Issue(
            name,
            N_("Enter a whole number of months from 1 to %(max)s."),
            {"max": MONTHS_LIMIT},
        )
        for name in MONTHS
        if s.get(name) is not None and not 1 <= s[name] <= MONTHS_LIMIT
    ]


def _days(s: dict) -> list[Issue]:
    return [
        Issue(
            name,
            N_("Enter a whole number of days from %(min)s to %(max)s."),
            {"min": least, "max": DAYS_LIMIT},
        )
        for name, least in DAYS
        if s.get(name) is not None and not least <= s[name] <= DAYS_LIMIT
    ]


def _amounts(s: dict) -> list[Issue]:
    return [
        Issue(
            name,
            N_("Enter an amount from 0 to %(limit)s with at most 2 decimals."),
            {"limit": f"{MONEY_LIMIT - CENT:,}"},
        )
        for name in AMOUNTS
        if s.get(name) is not None
        and (not 0 <= s[name] < MONEY_LIMIT or s[name] != s[name].quantize(CENT))
    ]


def _rates(s: dict) -> list[Issue]:
    issues = []
    for name in RATES:
        value = s.get(name)
        if value is not None and not Decimal(0) <= value <= Decimal(1):
            issues.append(Issue(name, N_("A percentage must be between 0 and 100.")))
        elif value is not None and value != value.quantize(Decimal("0.0001")):
            issues.append(Issue(name, N_("Use at most 2 decimals.")))
    return issues


def _single_within_ceiling(s: dict) -> list[Issue]:
    """The single pre-financing is paid whole: above the ceiling it could never be."""
    single, ceiling = s.get("single_prefinancing_rate"), s.get("prefinancing_ceiling_rate")
    if single is None or ceiling is None or not 0 <= ceiling <= 1 or single <= ceiling:
        return []
    return [
        Issue(
            "single_prefinancing_rate",
            N_(
                "The single pre-financing cannot be more than the pre-financing ceiling "
                "(%(ceiling)s %%): no more than that is ever paid before the final report."
            ),
            {"ceiling": format((ceiling * 100).normalize(), "f")},
        )
    ]


def check_grant_settings(s: dict) -> list[Issue]:
    """Every rule on the settings of the call's grants, every problem at once."""
    issues = _months(s) + _days(s) + _amounts(s) + _rates(s)
    return issues + _single_within_ceiling(s)
