"""A grant's payment schedule (docs/domain.md 7, Payment schemes and Payments): every pre-financing
instalment and the balance or recovery, each with its amount, due date and state, from the
contract's numbers, the payments recorded and authorised, and the interim reports approved.

Choices where domain.md is silent (PRAG's practice):
- an instalment is *due* from the day it is released (the contract in force for the first; the
  previous period's interim report approved and the 70 % condition met for the next ones) and
  must be paid by its due date; *overdue* after it;
- the accepted costs of the 70 % condition are those of the approved interim reports: the direct
  costs staff accepted line by line, plus indirect costs up to the call's indirect rate of them,
  plus contingency up to what staff authorised (`accepted_costs`: the final amount's rules
  without the heading cap, which only the final report applies);
- the balance (or recovery) is due `instalment_due_days` (60) after the final report is approved;
  once the final amount is set, the instalments not paid are replaced by it (and by nothing once
  the grant is terminated);
- a grant is *settled* once its final amount is set and what was paid less what was recovered is
  exactly that amount (`settled`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from .grant_closure import BalanceKind, balance
from .grant_payments import instalment_due, next_instalment_released, prefinancing
from .grant_terms import GrantTerms, Period, Scheme

__all__ = [
    "Item",
    "ItemKind",
    "ItemStatus",
    "Ledger",
    "Movement",
    "accepted_costs",
    "schedule",
    "settled",
]

ZERO = Decimal("0.00")


class ItemKind(enum.Enum):
    prefinancing = "prefinancing"
    balance = "balance"
    recovery = "recovery"


class ItemStatus(enum.Enum):
    paid = "paid"  # paid (or recovered) in full
    recorded = "recorded"  # a payment recorded, waiting for another staff user's authorisation
    due = "due"  # released: to pay by its due date
    overdue = "overdue"  # released and its due date has passed
    not_yet_due = "not_yet_due"  # the contract is not in force yet
    waiting_report = "waiting_report"  # the previous period's interim report is not approved yet
    waiting_condition = "waiting_condition"  # the 70 % condition is not met yet
    waiting_final = "waiting_final"  # the balance: waiting for the final amount
    # an instalment not paid once the final amount is set (the balance replaces it) or the grant
    # terminated
    replaced = "replaced"
    nothing = "nothing"  # a balance of zero: nothing to pay or recover

    @property
    def open(self) -> bool:
        """Whether money is to move now (the staff overview and the reminders)."""
        return self in (ItemStatus.due, ItemStatus.overdue)


@dataclass(frozen=True)
class Movement:
    """A payment on the grant as the schedule reads it: kind, instalment period (pre-financing),
    amount, and whether it is authorised (else recorded, waiting)."""

    kind: ItemKind
    period: int | None
    amount: Decimal
    authorised: bool


@dataclass(frozen=True)
class Ledger:
    """What the schedule starts from."""

    max_grant: Decimal
    scheme: Scheme
    periods: list[Period]
    in_force: date | None  # the day the contract came into force (countersigned); None before
    terms: GrantTerms
    rate: Fraction  # the grant rate
    final_amount: Decimal | None = None
    final_approved: date | None = None  # the day the final report was approved
    movements: tuple[Movement, ...] = ()
    # period -> (approval day, accepted costs) of each approved interim report
    interim: dict[int, tuple[date, Decimal]] | None = None
    terminated: bool = False  # ended early: no more pre-financing, only the recovery


@dataclass(frozen=True)
class Item:
    kind: ItemKind
    period: int | None  # the instalment's period; None for the balance or recovery
    amount: Decimal  # what is to be paid (or recovered): cut to fit the ceiling
    formula: Decimal  # what the scheme's formula gives, before the cut
    done: Decimal  # authorised so far
    pending: Decimal  # recorded, waiting for authorisation
    due_on: date | None
    status: ItemStatus

    @property
    def cut(self) -> bool:
        return self.amount < self.formula

    @property
    def left(self) -> Decimal:
        return max(self.amount - self.done, ZERO)


def accepted_costs(
    direct: Decimal,
    reported_indirect: Decimal,
    reported_contingency: Decimal,
    authorised_contingency: Decimal,
    terms: GrantTerms,
) -> Decimal:
    """The accepted costs of interim reports for the 70 % condition: direct costs accepted, indirect
    costs up to the indirect rate of them, contingency up to what staff authorised."""
    indirect = min(reported_indirect, terms.indirect_rate * direct)
    return direct + indirect + min(reported_contingency, authorised_contingency)


def _sums(movements: tuple[Movement, ...], kind: ItemKind, period: int | None):
    mine = [m for m in movements if m.kind is kind and (period is None or m.period == period)]
    done = sum((m.amount for m in mine if m.authorised), ZERO)
    pending = sum((m.amount for m in mine if not m.authorised), ZERO)
    return done, pending


def _state(amount, done, pending, due_on, today, waiting) -> ItemStatus:
    if done >= amount:
        return ItemStatus.paid
    if pending:
        return ItemStatus.recorded
    if waiting is not None:
        return waiting
    return ItemStatus.overdue if today > due_on else ItemStatus.due


def schedule(ledger: Ledger, today: date) -> list[Item]:
    """Every pre-financing instalment, then the balance or recovery."""
    terms, interim = ledger.terms, ledger.interim or {}
    instalments = prefinancing(
        ledger.max_grant, ledger.scheme, ledger.periods, ledger.in_force, ledger.terms
    )
    final = ledger.final_amount
    items: list[Item] = []
    earlier: list[Decimal] = []
    for index, inst in enumerate(instalments):
        done, pending = _sums(ledger.movements, ItemKind.prefinancing, inst.period)
        due_on, waiting = inst.due_on, None
        if ledger.in_force is None:
            waiting = ItemStatus.not_yet_due
        elif index > 0:
            report = interim.get(instalments[index - 1].period)
            if report is None:
                waiting = ItemStatus.waiting_report
            else:
                due_on = instalment_due(report[0], terms)
                costs = sum((c for p, (_, c) in interim.items() if p < inst.period), ZERO)
                if not next_instalment_released(costs, ledger.rate, earlier, terms):
                    waiting = ItemStatus.waiting_condition
        if (final is not None or ledger.terminated) and done < inst.payable and not pending:
            waiting = ItemStatus.replaced
        status = _state(inst.payable, done, pending, due_on, today, waiting)
        if inst.payable == 0:  # cut to nothing by the ceiling
            status = ItemStatus.nothing
        items.append(
            Item(
                ItemKind.prefinancing,
                inst.period,
                inst.payable,
                inst.amount,
                done,
                pending,
                due_on,
                status,
            )
        )
        earlier.append(inst.payable)
    items.append(_balance(ledger, today, sum(earlier, ZERO)))
    return items


def _balance(ledger: Ledger, today: date, prefinancing_total: Decimal) -> Item:
    final = ledger.final_amount
    prefinanced, _ = _sums(ledger.movements, ItemKind.prefinancing, None)
    due_on = (
        ledger.final_approved + timedelta(days=ledger.terms.instalment_due_days)
        if ledger.final_approved is not None
        else None
    )
    if final is None:
        most = ledger.max_grant - prefinancing_total  # at most: the final amount decides
        return Item(ItemKind.balance, None, most, most, ZERO, ZERO, None, ItemStatus.waiting_final)
    result = balance(final, prefinanced)
    kind = ItemKind.recovery if result.kind is BalanceKind.recovery else ItemKind.balance
    done, pending = _sums(ledger.movements, kind, None)
    if result.kind is BalanceKind.none:
        return Item(kind, None, ZERO, ZERO, done, pending, due_on, ItemStatus.nothing)
    status = _state(result.amount, done, pending, due_on or today, today, None)
    return Item(kind, None, result.amount, result.amount, done, pending, due_on or today, status)


def settled(final_amount: Decimal | None, paid: Decimal, recovered: Decimal) -> bool:
    """A grant is settled ("closed once its balance is paid or recovered") when its final amount is
    set and what was paid less what was recovered is exactly that amount."""
    return final_amount is not None and paid - recovered == final_amount
