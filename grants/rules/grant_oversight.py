"""What is due on a grant, for oversight (docs/domain.md 7, Oversight: "reports and payments due and
overdue"): from the grant's terms, dates and what was done, which reports fall due when, and which
payments of the grant's schedule are due. Pure: plain data in, dated items out.

A report is done once sent (submitted or approved); it is *due* when its date is today or within
`window` days, *overdue* once its date has passed. Payments are what the payments page shows
(grants.rules.payment_schedule): an instalment, balance or recovery released and not yet paid is
due until its due date, overdue after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .grant_payments import reports_due
from .grant_status import GrantStatus
from .grant_terms import GrantTerms, Scheme, reporting_periods
from .payment_schedule import Item, ItemStatus

__all__ = ["Due", "GrantFacts", "due_reports", "payment_due", "state", "still_to_pay"]

DUE_WINDOW = 30  # days ahead an item counts as due
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class GrantFacts:
    """What the reports due are worked out from."""

    scheme: Scheme
    terms: GrantTerms
    start: date
    months: int
    end: date
    sent_reports: frozenset[tuple[str, int]] = frozenset()  # (kind, period) submitted/approved


@dataclass(frozen=True)
class Due:
    what: str  # "interim_report", "final_report", "prefinancing", "balance", "recovery"
    period: int | None
    due_on: date | None  # None: due now, without a date of its own
    amount: Decimal | None = None


def due_reports(facts: GrantFacts) -> list[Due]:
    """The reports not yet sent, each with its date."""
    periods = reporting_periods(facts.start, facts.months, facts.scheme, facts.terms)
    return [
        Due(f"{report.kind}_report", report.period, report.due_on)
        for report in reports_due(periods, facts.end, facts.terms)
        if (report.kind, report.period) not in facts.sent_reports
    ]


def payment_due(item: Item) -> tuple[Due, str] | None:
    """A payment of the grant's schedule (grants.rules.payment_schedule, the payments page's rule)
    as oversight lists it, with its state: only what is released and not yet paid (due or
    overdue), for what is left of it."""
    if not item.status.open:
        return None
    due = Due(item.kind.value, item.period, item.due_on, item.left)
    return due, "overdue" if item.status is ItemStatus.overdue else "due"


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
