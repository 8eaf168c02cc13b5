"""A grant's final amount, balance and termination recovery (docs/domain.md 7, Final amount and
Amendments).

Every intermediate amount is exact: Decimal products of cents and 4-place rates are exact, and the
one quotient (accepted total x maximum grant / contract total) is a Fraction. The final amount is
"rounded half-up to cents at this step only"; the set-aside amounts and caps keep their exact value
(a cap of 100.01 x 1.25 is 125.0125).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .grant_terms import GrantTerms, InvalidGrant, cents
from .problems import N_

__all__ = [
    "Balance",
    "BalanceKind",
    "FinalAmount",
    "Heading",
    "HeadingResult",
    "balance",
    "final_amount",
    "termination_recovery",
]

ZERO = Decimal("0.00")
# the reason given for the part of a heading's costs above its flexibility
ABOVE_FLEXIBILITY = N_(
    "Above the heading's contract amount plus the flexibility allowed without an amendment."
)


@dataclass(frozen=True)
class Heading:
    """A contract budget heading: its key, its contract amount (or the amount an approved amendment
    set), and the direct costs staff accepted under it, line by line, before the cap."""

    key: str
    contract_amount: Decimal
    accepted: Decimal


@dataclass(frozen=True)
class HeadingResult:
    key: str
    cap: Decimal
    accepted: Decimal
    set_aside: Decimal
    reason: str  # ABOVE_FLEXIBILITY when something is set aside, else ""


@dataclass(frozen=True)
class FinalAmount:
    headings: list[HeadingResult]
    direct: Decimal
    indirect: Decimal
    contingency: Decimal
    total: Decimal
    amount: Decimal  # the final amount, in cents


class BalanceKind(enum.Enum):
    payment = "payment"  # a payment due to the beneficiary
    recovery = "recovery"  # a recovery order
    none = "none"


@dataclass(frozen=True)
class Balance:
    kind: BalanceKind
    amount: Decimal  # what is paid or recovered, never negative


def _not_negative(**amounts: Decimal) -> None:
    for name, amount in amounts.items():
        if amount < 0:
            raise InvalidGrant(N_("An amount cannot be negative."), field=name)


def _heading(heading: Heading, terms: GrantTerms) -> HeadingResult:
    """ "accepted direct costs per heading are capped at the heading's contract amount x 1.25 (the
    flexibility allowed without an amendment ...); the excess is set aside as ineligible with that
    reason"."""
    _not_negative(contract_amount=heading.contract_amount, accepted=heading.accepted)
    cap = heading.contract_amount * (1 + terms.heading_flexibility_rate)
    accepted = min(heading.accepted, cap)
    excess = heading.accepted - accepted
    return HeadingResult(heading.key, cap, accepted, excess, ABOVE_FLEXIBILITY if excess else "")


def final_amount(
    headings: list[Heading],
    reported_indirect: Decimal,
    reported_contingency: Decimal,
    authorised_contingency: Decimal,
    max_grant: Decimal,
    contract_total: Decimal,
    terms: GrantTerms,
) -> FinalAmount:
    """The final amount of a grant from the costs staff accepted:

    - "accepted indirect costs = min(reported, the call's indirect rate x accepted direct costs)";
    - "accepted contingency = min(reported, the contingency that staff authorised before its use;
      none by default)";
    - "accepted total = direct + indirect + contingency";
    - "**final amount** = min(maximum grant, accepted total x maximum grant / contract total),
      rounded half-up to cents at this step only".
    """
    _not_negative(
        reported_indirect=reported_indirect,
        reported_contingency=reported_contingency,
        authorised_contingency=authorised_contingency,
        max_grant=max_grant,
    )
    if contract_total <= 0:
        raise InvalidGrant(
            N_("The contract budget's total eligible costs must be above zero."),
            field="contract_total",
        )
    results = [_heading(h, terms) for h in headings]
    direct = sum((r.accepted for r in results), ZERO)
    indirect = min(reported_indirect, terms.indirect_rate * direct)
    contingency = min(reported_contingency, authorised_contingency)
    total = direct + indirect + contingency
    exact = Fraction(total) * Fraction(max_grant) / Fraction(contract_total)
    amount = cents(min(Fraction(max_grant), exact))
    return FinalAmount(results, direct, indirect, contingency, total, amount)


def balance(final: Decimal, prefinancing_paid: Decimal) -> Balance:
    """ "**balance** = final amount - pre-financing paid: a payment due if positive, a recovery
    order if negative, nothing if zero"."""
    _not_negative(final=final, prefinancing_paid=prefinancing_paid)
    difference = final - prefinancing_paid
    if difference > 0:
        return Balance(BalanceKind.payment, difference)
    if difference < 0:
        return Balance(BalanceKind.recovery, -difference)
    return Balance(BalanceKind.none, ZERO)


def termination_recovery(
    prefinancing_paid: Decimal, accepted_costs: Decimal, rate: Fraction
) -> Decimal:
    """ "Termination by staff, with a reason, recovers the pre-financing not covered by accepted
    costs": the pre-financing paid less the accepted costs x grant rate (never below zero), rounded
    half-up to cents at this step only."""
    _not_negative(prefinancing_paid=prefinancing_paid, accepted_costs=accepted_costs)
    uncovered = Fraction(prefinancing_paid) - Fraction(accepted_costs) * rate
    return cents(max(uncovered, Fraction(0)))
