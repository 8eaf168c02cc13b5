"""What is due on a grant, for oversight (docs/domain.md 7, Oversight: "reports and payments due and
overdue"): from the grant's terms, dates and what was done, which reports and payments fall due
when. Pure: plain data in, dated items out.

A report is done once sent (submitted or approved); a pre-financing instalment once an authorised
payment of its period exists. An item is *due* when its date is today or within `window` days,
*overdue* once its date has passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from .grant_payments import instalment_due, next_instalment_released, prefinancing, reports_due
from .grant_status import GrantStatus
from .grant_terms import GrantTerms, Scheme, reporting_periods

__all__ = ["Due", "GrantFacts", "due_items", "state", "still_to_pay"]

DUE_WINDOW = 30  # days ahead an item counts as due
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class GrantFacts:
    max_grant: Decimal
    rate: Fraction
    scheme: Scheme
    terms: GrantTerms
    start: date
    months: int
    end: date
    in_force_on: date  # the day the contract came into force (its countersignature)
    final_amount: Decimal | None = None
    paid_total: Decimal = Decimal("0.00")
    recovered_total: Decimal = Decimal("0.00")
    sent_reports: frozenset[tuple[str, int]] = frozenset()  # (kind, period) submitted/approved
    approved_interims: dict[int, date] = field(default_factory=dict)  # period -> approval day
    paid_instalments: dict[int, Decimal] = field(default_factory=dict)  # period -> amount
    accepted_costs: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class Due:
    what: str  # "interim_report", "final_report", "prefinancing", "balance", "recovery"
    period: int | None
    due_on: date | None  # None: due now, without a date of its own (a balance, a recovery)
    amount: Decimal | None = None


def due_items(facts: GrantFacts) -> list[Due]:
    """The reports not yet sent and the payments not yet made, each with its date."""
    periods = reporting_periods(facts.start, facts.months, facts.scheme, facts.terms)
    items = [
        Due(f"{report.kind}_report", report.period, report.due_on)
        for report in reports_due(periods, facts.end, facts.terms)
        if (report.kind, report.period) not in facts.sent_reports
    ]
    if facts.final_amount is None:
        schedule = prefinancing(
            facts.max_grant, facts.scheme, periods, facts.in_force_on, facts.terms
        )
        paid = [
            facts.paid_instalments[i.period] for i in schedule if i.period in facts.paid_instalments
        ]
        for index, instalment in enumerate(schedule):
            if instalment.period in facts.paid_instalments or instalment.payable <= 0:
                continue
            if index == 0:
                items.append(
                    Due("prefinancing", instalment.period, instalment.due_on, instalment.payable)
                )
            else:
                approved = facts.approved_interims.get(schedule[index - 1].period)
                if approved is not None and next_instalment_released(
                    facts.accepted_costs, facts.rate, paid, facts.terms
                ):
                    items.append(
                        Due(
                            "prefinancing",
                            instalment.period,
                            instalment_due(approved, facts.terms),
                            instalment.payable,
                        )
                    )
            break  # one instalment at a time: the next waits for this one
    else:
        keeps = facts.final_amount
        outstanding = facts.paid_total - facts.recovered_total - keeps
        if outstanding < 0:
            items.append(Due("balance", None, None, -outstanding))
        elif outstanding > 0:
            items.append(Due("recovery", None, None, outstanding))
    return items


def state(item: Due, today: date, window: int = DUE_WINDOW) -> str | None:
    """'overdue' once its date has passed, 'due' when it falls today or within `window` days (or
    has no date of its own), else None (later)."""
    if item.due_on is None:
        return "due"
    if item.due_on < today:
        return "overdue"
    if item.due_on <= today + timedelta(days=window):
        return "due"
    return None


def still_to_pay(
    status: GrantStatus, max_grant: Decimal, final: Decimal | None, paid_total: Decimal
) -> Decimal:
    """What is still to pay to the beneficiary of one grant (chosen, docs/domain.md 7 leaves it
    open): its final amount (the maximum grant before there is one) less what was paid, never below
    zero, and nothing once the grant is closed."""
    if status is GrantStatus.closed:
        return ZERO
    return max((final if final is not None else max_grant) - paid_total, ZERO)
