"""A grant's pre-financing and reports (docs/domain.md 7, Payment schemes and Reports): what is
paid before the final report, when, on what condition, and which reports are due when.

Amounts are Decimal with 2 places; products and quotients are computed exactly (Fraction) and
rounded half-up to cents once (`grant_terms.cents`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from .grant_terms import GrantTerms, InvalidGrant, Period, Scheme, cents
from .problems import N_

__all__ = [
    "Instalment",
    "ReportDue",
    "ceiling",
    "instalment_due",
    "needs_verification",
    "next_instalment_released",
    "prefinancing",
    "reports_due",
]


@dataclass(frozen=True)
class Instalment:
    """A pre-financing instalment: the period it finances, the amount its formula gives, the amount
    paid once the 90 % ceiling has cut it, and when it falls due (`due_on` for the first; the next
    ones fall due only once the previous period's interim report is approved: `instalment_due`)."""

    period: int
    amount: Decimal
    payable: Decimal
    due_on: date | None


@dataclass(frozen=True)
class ReportDue:
    """A report to send: 'interim' for a period, or 'final', and its due date."""

    kind: str
    period: int
    due_on: date


def _check_money(max_grant: Decimal) -> None:
    if max_grant < 0 or max_grant != max_grant.quantize(Decimal("0.01")):
        raise InvalidGrant(
            N_("The maximum grant must be an amount of zero or more with at most 2 decimals."),
            field="max_grant",
        )


def ceiling(max_grant: Decimal, terms: GrantTerms) -> Decimal:
    """ "pre-financing paid in total never exceeds 90 % of the maximum grant": the most that may be
    paid, rounded down to cents so that it never exceeds the share."""
    _check_money(max_grant)
    return (max_grant * terms.prefinancing_ceiling_rate).quantize(
        Decimal("0.01"), rounding=ROUND_DOWN
    )


def prefinancing(
    max_grant: Decimal,
    scheme: Scheme,
    periods: list[Period],
    in_force: date | None,
    terms: GrantTerms,
) -> list[Instalment]:
    """The pre-financing schedule.

    - `single`: "one pre-financing of 80 % of the maximum grant, due 30 days after the contract is
      in force".
    - `periodic`: "a pre-financing instalment per period = maximum grant x months of the period /
      months in total (cents half-up; the last instalment takes the rounding). The first is due 30
      days after the contract is in force" (the instalments of the periods add up to the maximum
      grant exactly).
    - "Whatever the scheme, pre-financing paid in total never exceeds 90 % of the maximum grant (an
      instalment is cut to fit): at least 10 % is kept for the balance."
    """
    _check_money(max_grant)
    if not periods:
        raise InvalidGrant(N_("A grant has at least one reporting period."), field="periods")
    first_due = None if in_force is None else in_force + timedelta(days=terms.prefinancing_due_days)
    if scheme is Scheme.single:
        amounts = [cents(Fraction(max_grant) * Fraction(terms.single_prefinancing_rate))]
    else:
        total = sum(p.months for p in periods)
        amounts = [cents(Fraction(max_grant) * p.months / total) for p in periods[:-1]]
        amounts.append(max_grant - sum(amounts, Decimal("0.00")))
        # a grant of a few cents over many periods: the half-up cents of the first periods may
        # add up to more than the grant, and the last would be negative: it takes the rounding
        # back from the periods before it, from the latest, so that none is negative
        for index in range(len(amounts) - 1, 0, -1):
            if amounts[index] < 0:
                amounts[index - 1] += amounts[index]
                amounts[index] = Decimal("0.00")
    room = ceiling(max_grant, terms)
    schedule = []
    for index, amount in enumerate(amounts):
        payable = max(min(amount, room), Decimal("0.00"))
        room -= payable
        due = first_due if index == 0 else None
        schedule.append(Instalment(periods[index].number, amount, payable, due))
    return schedule


def instalment_due(previous_report_approved: date, terms: GrantTerms) -> date:
    """ "each next one is due 60 days after the interim report of the previous period is
    approved"."""
    return previous_report_approved + timedelta(days=terms.instalment_due_days)


def next_instalment_released(
    accepted_costs: Decimal, rate: Fraction, paid: list[Decimal], terms: GrantTerms
) -> bool:
    """Whether the next instalment may be paid: "only when the accepted costs so far x grant rate
    reach at least 70 % of the last instalment plus 100 % of the earlier ones". `paid` are the
    instalments paid so far, in order; with none paid the first one is always released. Compared
    exactly, without rounding."""
    if not paid:
        return True
    if accepted_costs < 0 or any(amount < 0 for amount in paid):
        raise InvalidGrant(N_("Costs and payments cannot be negative."), field="accepted_costs")
    covered = Fraction(accepted_costs) * rate
    needed = Fraction(terms.instalment_condition_rate) * Fraction(paid[-1]) + sum(
        (Fraction(amount) for amount in paid[:-1]), Fraction(0)
    )
    return covered >= needed


def reports_due(periods: list[Period], end: date, terms: GrantTerms) -> list[ReportDue]:
    """ "An interim report per reporting period but the last (due 60 days after the period ends) and
    a final report (due 90 days after the end date)"."""
    interim = [
        ReportDue("interim", p.number, p.end + timedelta(days=terms.interim_report_days))
        for p in periods[:-1]
    ]
    last = periods[-1].number if periods else 1
    return [*interim, ReportDue("final", last, end + timedelta(days=terms.final_report_days))]


def needs_verification(max_grant: Decimal, terms: GrantTerms) -> bool:
    """ "With the final report a grant whose maximum is above 100,000 needs an expenditure
    verification report (an auditor's PDF)"."""
    return max_grant > terms.verification_threshold
