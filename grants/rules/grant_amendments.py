"""Amendments of a grant contract (docs/domain.md 7, Amendments): a later end date, a budget change
beyond the flexibility, a partner change. "an approved amendment makes a new version of the
contract and never raises the maximum grant".

Pure: plain amounts and dates in, the amended terms or a refusal out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .grant_terms import InvalidGrant, cents, end_date
from .problems import N_, Amount, Issue

__all__ = [
    "AmendedBudget",
    "AmendmentRefused",
    "amended_budget",
    "amended_period",
]

ZERO = Decimal("0.00")


class AmendmentRefused(InvalidGrant):
    """An amendment that cannot be requested or approved as asked."""


def amended_period(start: date, current_end: date, new_end: date) -> int:
    """The implementation period in months for a later end date: the fewest whole months from the
    start whose end reaches the new end date. Only a later end date is an amendment of this kind."""
    if new_end <= current_end:
        raise AmendmentRefused(
            N_("The new end date must be later than the current end date (%(end)s)."),
            field="end_date",
            end=current_end.isoformat(),
        )
    months = 1
    while end_date(start, months) < new_end:
        months += 1
    return months


@dataclass(frozen=True)
class AmendedBudget:
    direct: Decimal
    total: Decimal  # the new total eligible costs
    max_grant: Decimal  # never above the current one


def amended_budget(
    amounts: list[Decimal],
    indirect: Decimal,
    contingency: Decimal,
    *,
    max_grant: Decimal,
    contract_total: Decimal,
    wanted_max: Decimal | None,
    indirect_rate: Decimal,
    contingency_rate: Decimal,
    min_rate: Decimal,
    max_rate: Decimal,
    paid: Decimal,
    currency: str,
) -> AmendedBudget:
    """The new totals and maximum grant of a budget amendment.

    - the maximum grant is never raised: a wanted maximum above the current one is refused; the new
      maximum is the wanted one (or the current one) and at most the current grant rate x the new
      total eligible costs (a budget that shrinks keeps the rate: the maximum goes down with it),
      rounded half-up to cents at this last step;
    - the call's limits still hold: indirect costs and contingency within their rates of the direct
      costs, the grant rate within the call's minimum and maximum;
    - the maximum never falls below what was already paid."""
    issues: list[Issue] = []
    if any(amount < 0 for amount in amounts) or indirect < 0 or contingency < 0:
        raise AmendmentRefused(N_("An amount cannot be negative."), field="lines")
    if wanted_max is not None and wanted_max > max_grant:
        raise AmendmentRefused(
            N_(
                "An amendment never raises the maximum grant: it is %(current)s, and %(wanted)s "
                "was asked."
            ),
            field="max_grant",
            current=Amount(max_grant, currency),
            wanted=Amount(wanted_max, currency),
        )
    direct = sum(amounts, ZERO)
    total = direct + indirect + contingency
    if total <= 0:
        raise AmendmentRefused(
            N_("The contract budget's total eligible costs must be above zero."), field="lines"
        )
    by_rate = cents(Fraction(max_grant) * Fraction(total) / Fraction(contract_total))
    new_max = min(max_grant if wanted_max is None else wanted_max, by_rate)
    for name, amount, rate in (
        ("indirect", indirect, indirect_rate),
        ("contingency", contingency, contingency_rate),
    ):
        allowed = cents(Fraction(rate) * Fraction(direct))
        if amount > allowed:
            issues.append(
                Issue(
                    name,
                    N_("%(amount)s is above the call's cap of %(allowed)s for this amount."),
                    {"amount": Amount(amount, currency), "allowed": Amount(allowed, currency)},
                )
            )
    lowest = cents(Fraction(min_rate) * Fraction(total))
    highest = cents(Fraction(max_rate) * Fraction(total))
    if not lowest <= new_max <= highest:
        issues.append(
            Issue(
                "max_grant",
                N_(
                    "The maximum grant %(amount)s would be outside the call's grant rate for "
                    "total eligible costs of %(total)s: from %(lowest)s to %(highest)s."
                ),
                {
                    "amount": Amount(new_max, currency),
                    "total": Amount(total, currency),
                    "lowest": Amount(lowest, currency),
                    "highest": Amount(highest, currency),
                },
            )
        )
    if new_max < paid:
        issues.append(
            Issue(
                "max_grant",
                N_("The maximum grant %(amount)s would be below what was already paid (%(paid)s)."),
                {"amount": Amount(new_max, currency), "paid": Amount(paid, currency)},
            )
        )
    if issues:
        raise AmendmentRefused(issues=issues)
    return AmendedBudget(direct, total, new_max)
