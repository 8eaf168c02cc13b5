"""A grant's terms and contract (docs/domain.md 7, Contract and Payment schemes): the numbers a call
sets for its grants, the contract number, the grant rate, the dates and the reporting periods.

"PRAG's grant-contract rules give the defaults below; every number is a call setting." The numbers
live in `GrantTerms` (a call's are `Call.grant_terms()`); nothing here is a constant of the rules.

Exactness: money is `Decimal` with 2 places; the **grant rate** is a `fractions.Fraction`, because
"maximum grant / total eligible costs" is a quotient that a Decimal could only hold rounded (130,000
/ 144,444.44 has no finite decimal expansion) and the rate is "kept exact, never rounded before the
last step". A rule that ends in money rounds half-up to cents once, at its last step (`cents`).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from dateutil.relativedelta import relativedelta

from .problems import N_, Refused

__all__ = [
    "GrantTerms",
    "InvalidGrant",
    "Period",
    "Scheme",
    "cents",
    "contract_number",
    "end_date",
    "grant_rate",
    "next_contract_number",
    "period_after",
    "reporting_periods",
    "scheme_for",
    "terms_data",
    "terms_of",
    "start_date",
]

CONTRACT_NUMBER = re.compile(r"^(?P<call>.+)/G/(?P<number>[0-9]{3,})$")


@dataclass(frozen=True)
class GrantTerms:
    """The numbers of docs/domain.md 7 that a call sets, with PRAG's defaults. Rates are fractions
    (0.8 = 80 %); periods in months; delays in days after the event named."""

    # "`single` (default where the period is at most 12 months or the maximum grant at most
    # 100,000)"
    single_max_months: int = 12
    single_max_grant: Decimal = Decimal("100000.00")
    # "one pre-financing of 80 % of the maximum grant, due 30 days after the contract is in force"
    single_prefinancing_rate: Decimal = Decimal("0.80")
    prefinancing_due_days: int = 30
    # "`periodic` (longer or larger grants): reporting periods of 12 months (the last one shorter)"
    period_months: int = 12
    # "each next one is due 60 days after the interim report of the previous period is approved"
    instalment_due_days: int = 60
    # "only when the accepted costs so far x grant rate reach at least 70 % of the last instalment
    # plus 100 % of the earlier ones"
    instalment_condition_rate: Decimal = Decimal("0.70")
    # "pre-financing paid in total never exceeds 90 % of the maximum grant"
    prefinancing_ceiling_rate: Decimal = Decimal("0.90")
    # "An interim report per reporting period but the last (due 60 days after the period ends)"
    interim_report_days: int = 60
    # "a final report (due 90 days after the end date)"
    final_report_days: int = 90
    # "a grant whose maximum is above 100,000 needs an expenditure verification report"
    verification_threshold: Decimal = Decimal("100000.00")
    # "capped at the heading's contract amount x 1.25 (the flexibility allowed without an
    # amendment)": 0.25 here
    heading_flexibility_rate: Decimal = Decimal("0.25")
    # reminders (docs/domain.md 8): "beneficiaries 14 days before a report is due"; "staff when a
    # payment falls due": this many days before the date it is to be paid by
    report_reminder_days: int = 14
    payment_reminder_days: int = 7
    # "accepted indirect costs = min(reported, the call's indirect rate x accepted direct costs)"
    indirect_rate: Decimal = Decimal("0.07")


def terms_of(data: dict[str, Any]) -> GrantTerms:
    """A grant's stored terms (`Grant.terms`) as the rules read them."""
    fields = GrantTerms.__dataclass_fields__
    return GrantTerms(
        **{
            name: (Decimal(value) if fields[name].type in ("Decimal", Decimal) else value)
            for name, value in data.items()
            if name in fields
        }
    )


def terms_data(terms: GrantTerms) -> dict[str, Any]:
    """A GrantTerms as JSON (Decimals as strings, exact)."""
    return {
        name: str(value) if isinstance(value, Decimal) else value
        for name, value in vars(terms).items()
    }


class Scheme(enum.Enum):
    single = "single"
    periodic = "periodic"


@dataclass(frozen=True)
class Period:
    """A reporting period: its number (1, 2, ...), first and last day, and length in months."""

    number: int
    start: date
    end: date
    months: int


class InvalidGrant(Refused):
    """Input the grant rules cannot work with (a negative amount, no months, a bad number...)."""


def cents(value: Fraction | Decimal | int) -> Decimal:
    """An exact value rounded half-up (away from zero on a tie) to cents: the last step only."""
    exact = Fraction(value)
    sign = -1 if exact < 0 else 1
    hundredths = (abs(exact) * 100 + Fraction(1, 2)).__floor__()
    return (Decimal(sign * hundredths) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# Contract number ---------------------------------------------------------------------------------


def contract_number(call_reference: str, number: int) -> str:
    """The contract's "number `<CALL-REF>/G/<NNN>` (per call, in order of creation, no gaps)":
    'TTGS-2018/G/007'."""
    if number < 1:
        raise InvalidGrant(N_("A contract number starts at 1."), field="number")
    return f"{call_reference}/G/{number:03d}"


def next_contract_number(call_reference: str, existing: list[str]) -> str:
    """The number of the next contract of the call, given the numbers its contracts already have:
    they must be 1, 2, ... n without gaps or duplicates (anything else is refused), and the next is
    n + 1."""
    numbers = []
    for text in existing:
        match = CONTRACT_NUMBER.match(text)
        if match is None or match["call"] != call_reference:
            raise InvalidGrant(
                N_("%(number)s is not a contract number of this call."),
                field="number",
                number=text,
            )
        numbers.append(int(match["number"]))
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        raise InvalidGrant(
            N_("The call's contract numbers have a gap or a duplicate."), field="number"
        )
    return contract_number(call_reference, len(numbers) + 1)


# Grant rate --------------------------------------------------------------------------------------


def grant_rate(max_grant: Decimal, total_eligible: Decimal) -> Fraction:
    """ "the **grant rate** = maximum grant / total eligible costs of the contract budget (kept
    exact, never rounded before the last step)": an exact Fraction."""
    if total_eligible <= 0:
        raise InvalidGrant(
            N_("The contract budget's total eligible costs must be above zero."),
            field="total_eligible",
        )
    if not 0 <= max_grant <= total_eligible:
        raise InvalidGrant(
            N_("The maximum grant must be from zero to the total eligible costs."),
            field="max_grant",
        )
    return Fraction(max_grant) / Fraction(total_eligible)


# Dates -------------------------------------------------------------------------------------------


def start_date(last_signature: date, set_start: date | None = None) -> date:
    """ "The start date is the day after the last signature unless the contract sets a later
    one"."""
    day_after = last_signature + timedelta(days=1)
    return max(day_after, set_start) if set_start is not None else day_after


def period_after(start: date, months: int) -> date:
    """The first day after `months` months from `start`: the same day of the month `months` later;
    where that month has no such day (31 January + 1 month), the period runs to the end of that
    month, so the next day is the 1st of the month after (1 March)."""
    if months < 1:
        raise InvalidGrant(
            N_("The implementation period must be at least 1 month."), field="months"
        )
    same_day = start + relativedelta(months=months)
    if same_day.day != start.day:  # the month is shorter: relativedelta kept its last day
        return same_day + timedelta(days=1)
    return same_day


def end_date(start: date, months: int) -> date:
    """ "the end date is the start plus the period in months, minus one day" (month ends as in
    `period_after`: 31 January + 1 month ends on 28 or 29 February)."""
    return period_after(start, months) - timedelta(days=1)


# Payment scheme and reporting periods ------------------------------------------------------------


def scheme_for(months: int, max_grant: Decimal, terms: GrantTerms) -> Scheme:
    """ "`single` (default where the period is at most 12 months or the maximum grant at most
    100,000)"; "`periodic` (longer or larger grants)"."""
    if months < 1:
        raise InvalidGrant(
            N_("The implementation period must be at least 1 month."), field="months"
        )
    if months <= terms.single_max_months or max_grant <= terms.single_max_grant:
        return Scheme.single
    return Scheme.periodic


def reporting_periods(start: date, months: int, scheme: Scheme, terms: GrantTerms) -> list[Period]:
    """ "reporting periods of 12 months (the last one shorter)" in the periodic scheme; one period,
    the whole implementation period, in the single scheme. Each boundary is counted from the start
    (`period_after`), so the periods follow each other without gap and the last ends on the end
    date."""
    step = months if scheme is Scheme.single else terms.period_months
    if step < 1:
        raise InvalidGrant(
            N_("A reporting period must be at least 1 month."), field="period_months"
        )
    periods, done = [], 0
    while done < months:
        length = min(step, months - done)
        first = start if done == 0 else period_after(start, done)
        last = end_date(start, done + length)
        periods.append(Period(len(periods) + 1, first, last, length))
        done += length
    return periods
