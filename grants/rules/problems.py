"""The problem record shared by the checks (budget, eligibility)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

Limit = Decimal | int | str | frozenset[str] | None


@dataclass(frozen=True)
class Problem:
    """One broken rule: which field, a stable code, the limit, the actual value, a sentence."""

    field: str
    code: str
    limit: Limit
    actual: object
    message: str


def format_money(amount: Decimal, currency: str = "EUR") -> str:
    """'EUR 130,000.00': plain English formatting for rule messages."""
    return f"{currency} {amount.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def format_percent(value: Decimal) -> str:
    """0.9 -> '90.00 %'."""
    return f"{(value * 100).quantize(Decimal('0.01'), ROUND_HALF_UP):,} %"
