"""Budget totals and the call's money limits (docs/domain.md 2 and 3)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .money import Number, money, rate, to_decimal
from .problems import Problem, format_money, format_percent

__all__ = [
    "BudgetLimits",
    "BudgetLine",
    "BudgetTotals",
    "Problem",
    "cap",
    "check_budget",
    "check_lines",
    "compute_totals",
    "line_total",
    "shares_by_organisation",
]


@dataclass(frozen=True)
class BudgetLine:
    """One budget line; `organisation` is the key of the partner that incurs it."""

    heading: int
    quantity: Decimal
    unit_cost: Decimal
    organisation: str


@dataclass(frozen=True)
class BudgetLimits:
    """A call's money and duration limits. Rates are fractions: 0.9 means 90 %."""

    grant_min: Decimal
    grant_max: Decimal
    min_rate: Decimal
    max_rate: Decimal
    indirect_rate: Decimal
    contingency_rate: Decimal
    duration_min: int
    duration_max: int
    currency: str = "EUR"


@dataclass(frozen=True)
class BudgetTotals:
    direct: Decimal
    indirect: Decimal
    contingency: Decimal
    total_eligible: Decimal
    requested_grant: Decimal
    co_financing: Decimal
    grant_rate: Decimal | None  # None when total eligible costs are 0


HEADINGS = {
    1: "Human resources",
    2: "Travel",
    3: "Equipment and supplies",
    4: "Local office",
    5: "Other costs and services",
    6: "Other",
}


def line_total(line: BudgetLine) -> Decimal:
    """quantity x unit cost, rounded to the cent."""
    return money(to_decimal(line.quantity) * to_decimal(line.unit_cost))


def compute_totals(
    lines: Iterable[BudgetLine], indirect: Number, contingency: Number, requested_grant: Number
) -> BudgetTotals:
    """Direct = sum of lines; total = direct + indirect + contingency; rate = grant / total."""
    direct = money(sum((line_total(line) for line in lines), Decimal(0)))
    indirect_, contingency_, grant = money(indirect), money(contingency), money(requested_grant)
    total = direct + indirect_ + contingency_
    return BudgetTotals(
        direct=direct,
        indirect=indirect_,
        contingency=contingency_,
        total_eligible=total,
        requested_grant=grant,
        co_financing=total - grant,
        grant_rate=rate(grant / total) if total else None,
    )


def shares_by_organisation(lines: Iterable[BudgetLine]) -> dict[str, Decimal]:
    """Direct costs per organisation key, in order of first appearance."""
    shares: dict[str, Decimal] = {}
    for line in lines:
        shares[line.organisation] = shares.get(line.organisation, Decimal("0.00")) + line_total(
            line
        )
    return shares


def cap(fraction: Decimal, base: Decimal) -> Decimal:
    """fraction x base rounded half up to the cent: 7 % of 128,504.67 allows 8,995.33."""
    return money(Decimal(fraction) * base)


def check_lines(lines: Iterable[BudgetLine]) -> list[Problem]:
    """Each line: a known heading, quantity and unit cost not negative."""
    problems = []
    for index, line in enumerate(lines):
        field = f"lines.{index}"
        if line.heading not in HEADINGS:
            problems.append(
                Problem(
                    f"{field}.heading",
                    "unknown_heading",
                    None,
                    line.heading,
                    f"Line {index + 1}: heading {line.heading} does not exist",
                )
            )
        for name, value in (("quantity", line.quantity), ("unit_cost", line.unit_cost)):
            if to_decimal(value) < 0:
                label = name.replace("_", " ")
                problems.append(
                    Problem(
                        f"{field}.{name}",
                        "negative",
                        Decimal(0),
                        value,
                        f"Line {index + 1}: {label} {value} is negative",
                    )
                )
    return problems


def check_budget(totals: BudgetTotals, duration_months: int, limits: BudgetLimits) -> list[Problem]:
    """Every limit the budget and duration miss, each saying by how much."""
    problems: list[Problem] = []
    cur = limits.currency

    def fmt(amount: Decimal) -> str:
        return format_money(amount, cur)

    for field, label in (
        ("direct", "Direct costs"),
        ("indirect", "Indirect costs"),
        ("contingency", "Contingency reserve"),
        ("requested_grant", "Requested grant"),
    ):
        amount: Decimal = getattr(totals, field)
        if amount < 0:
            problems.append(
                Problem(field, "negative", Decimal(0), amount, f"{label} {fmt(amount)} is negative")
            )

    grant = totals.requested_grant
    if grant < limits.grant_min:
        problems.append(
            Problem(
                "requested_grant",
                "grant_below_min",
                limits.grant_min,
                grant,
                f"Requested grant {fmt(grant)} is below the minimum of {fmt(limits.grant_min)}"
                f" by {fmt(limits.grant_min - grant)}",
            )
        )
    if grant > limits.grant_max:
        problems.append(
            Problem(
                "requested_grant",
                "grant_above_max",
                limits.grant_max,
                grant,
                f"Requested grant {fmt(grant)} is above the maximum of {fmt(limits.grant_max)}"
                f" by {fmt(grant - limits.grant_max)}",
            )
        )

    problems += _check_rate(totals, limits)

    for field, label, fraction in (
        ("indirect", "Indirect costs", limits.indirect_rate),
        ("contingency", "Contingency reserve", limits.contingency_rate),
    ):
        verb = "are" if field == "indirect" else "is"
        amount = getattr(totals, field)
        allowed = cap(fraction, max(totals.direct, Decimal("0.00")))
        if amount > allowed:
            problems.append(
                Problem(
                    field,
                    f"{field}_above_cap",
                    allowed,
                    amount,
                    f"{label} {fmt(amount)} {verb} above the cap of {format_percent(fraction)} of "
                    f"direct"
                    f" costs ({fmt(allowed)}) by {fmt(amount - allowed)}",
                )
            )

    if duration_months < limits.duration_min:
        problems.append(
            Problem(
                "duration_months",
                "duration_below_min",
                limits.duration_min,
                duration_months,
                f"Duration of {duration_months} months is below the minimum of "
                f"{limits.duration_min}"
                f" months by {limits.duration_min - duration_months}",
            )
        )
    if duration_months > limits.duration_max:
        problems.append(
            Problem(
                "duration_months",
                "duration_above_max",
                limits.duration_max,
                duration_months,
                f"Duration of {duration_months} months is above the maximum of "
                f"{limits.duration_max}"
                f" months by {duration_months - limits.duration_max}",
            )
        )
    return problems


def _check_rate(totals: BudgetTotals, limits: BudgetLimits) -> list[Problem]:
    """Grant rate within [min_rate, max_rate], compared in money: grant vs rate x total (to the
    cent)."""
    cur, grant, total = limits.currency, totals.requested_grant, totals.total_eligible
    if total <= 0:
        if grant <= 0:
            return []
        return [
            Problem(
                "grant_rate",
                "no_eligible_costs",
                limits.max_rate,
                None,
                f"Requested grant {format_money(grant, cur)} has no eligible costs to cover:"
                f" total eligible costs are {format_money(total, cur)}",
            )
        ]
    actual = totals.grant_rate
    shown = format_percent(grant / total)
    lowest, highest = cap(limits.min_rate, total), cap(limits.max_rate, total)
    if grant < lowest:
        return [
            Problem(
                "grant_rate",
                "rate_below_min",
                limits.min_rate,
                actual,
                f"Grant rate {shown} is below the minimum of {format_percent(limits.min_rate)}:"
                f" the requested grant must be at least {format_money(lowest, cur)},"
                f" short by {format_money(lowest - grant, cur)}",
            )
        ]
    if grant > highest:
        return [
            Problem(
                "grant_rate",
                "rate_above_max",
                limits.max_rate,
                actual,
                f"Grant rate {shown} is above the maximum of {format_percent(limits.max_rate)}:"
                f" the requested grant may be at most {format_money(highest, cur)},"
                f" over by {format_money(grant - highest, cur)}",
            )
        ]
    return []
