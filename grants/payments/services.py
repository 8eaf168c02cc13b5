"""Payment commands (docs/domain.md 7, Payments): record a payment, authorise it (another staff
user: four eyes), cancel it; close the grant once its balance is paid or recovered.

Money moves in the authorisation, and only there, by two conditional UPDATEs in one SAVEPOINT:
the payment goes from recorded to authorised only if it is still recorded (two authorisations of
the same payment at once: the second finds it authorised and is refused), and the grant's totals
grow by its amount in one UPDATE that the CHECK constraints of `grant` refuse when it would pay
beyond the pre-financing ceiling or the final amount (the maximum grant before it), or recover
more than was paid above the final amount. Two payments authorised at once on one grant queue on
its row: the second UPDATE sees the first's totals, and its CHECK decides.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from grants.audit import record as audit
from grants.extensions import db
from grants.models import Grant, GrantPayment
from grants.payments.dues import refresh as refresh_dues
from grants.payments.queries import MOVING, local_day, schedule
from grants.rules import grant_status
from grants.rules.grant_status import GrantStatus, PaymentKind, PaymentStatus
from grants.rules.payment_schedule import ItemKind, ItemStatus, settled
from grants.rules.problems import N_, Amount, Refused
from grants.status import move_grant_object

ZERO = Decimal("0.00")


class PaymentRefused(Refused):
    """A payment that cannot be recorded, authorised or cancelled as asked."""


def _money(grant: Grant, value: Decimal) -> Amount:
    return Amount(value, grant.call.currency)


def _ceiling(grant: Grant) -> Decimal:
    """What may be paid in all: the final amount, or the maximum grant before it."""
    return grant.max_grant if grant.final_amount is None else grant.final_amount


def _moving(grant: Grant) -> None:
    if grant.status not in MOVING:
        raise PaymentRefused(
            N_("Payments are made only on a grant in force (or terminated, for its recovery).")
        )


def _target(grant: Grant, kind: PaymentKind, today: date):
    """The schedule's item a new payment of `kind` pays: the first pre-financing instalment that is
    due, or the balance or recovery."""
    items = schedule(grant, today)
    if kind is PaymentKind.prefinancing:
        if grant.status is GrantStatus.terminated:
            raise PaymentRefused(
                N_("The grant is terminated: no more pre-financing is paid."), field="kind"
            )
        if grant.final_amount is not None:
            raise PaymentRefused(
                N_("The final amount is set: the balance replaces the pre-financing not paid."),
                field="kind",
            )
        item = next(
            (
                i
                for i in items
                if i.kind is ItemKind.prefinancing
                and i.status in (ItemStatus.due, ItemStatus.overdue, ItemStatus.recorded)
                and i.left - i.pending > 0
            ),
            None,
        )
        if item is None:
            raise PaymentRefused(
                N_("No pre-financing instalment is due: the schedule shows what it waits for."),
                field="kind",
            )
        return item
    last = items[-1]
    if grant.final_amount is None:
        raise PaymentRefused(
            N_("The balance is known only once the final amount is set."), field="kind"
        )
    if last.kind.value != kind.value or last.status is ItemStatus.nothing:
        if kind is PaymentKind.balance:
            raise PaymentRefused(
                N_("The final amount leaves no balance to pay: see the schedule."), field="kind"
            )
        raise PaymentRefused(
            N_("The final amount leaves nothing to recover: see the schedule."), field="kind"
        )
    return last


def record(
    grant: Grant,
    kind: PaymentKind,
    amount: Decimal,
    value_date: date,
    reference: str,
    note: str,
    user_id: int,
    now: datetime,
) -> GrantPayment:
    """Record a payment (or a recovery's receipt) that another staff user will authorise. Its
    amount may not exceed what is left of the instalment, balance or recovery it pays, less the
    payments already waiting for authorisation."""
    _moving(grant)
    if amount <= 0:
        raise PaymentRefused(N_("Enter an amount above zero."), field="amount")
    item = _target(grant, kind, local_day(grant, now))
    room = item.left - item.pending
    if amount > room:
        raise PaymentRefused(
            N_("At most %(left)s is left to record on this part of the schedule."),
            field="amount",
            left=_money(grant, max(room, ZERO)),
        )
    payment = GrantPayment(
        grant_id=grant.id,
        kind=kind,
        period=item.period,
        amount=amount,
        value_date=value_date,
        reference=reference.strip(),
        note=note.strip(),
        recorded_by_id=user_id,
        recorded_at=now,
    )
    db.session.add(payment)
    db.session.flush()
    audit(
        "payment.recorded",
        payment,
        None,
        {"status": payment.status, "kind": kind, "amount": amount, "period": item.period},
        user_id,
    )
    return payment


def _left_message(grant: Grant, kind: PaymentKind) -> PaymentRefused:
    """Why the grant's CHECK refused the authorisation, with what is left."""
    if kind is PaymentKind.recovery:
        left = max(grant.paid_total - grant.recovered_total - (grant.final_amount or ZERO), ZERO)
        return PaymentRefused(
            N_(
                "This would recover more than was paid above the final amount: %(left)s is left "
                "to recover."
            ),
            left=_money(grant, left),
        )
    left = max(_ceiling(grant) - grant.paid_total, ZERO)
    if kind is PaymentKind.prefinancing:
        left = min(left, max(grant.prefinancing_ceiling - grant.prefinancing_paid, ZERO))
        return PaymentRefused(
            N_(
                "This would pay more pre-financing than its ceiling of %(ceiling)s: %(left)s is "
                "left to pay."
            ),
            ceiling=_money(grant, grant.prefinancing_ceiling),
            left=_money(grant, left),
        )
    return PaymentRefused(
        N_("This would pay more than the final amount of %(final)s: %(left)s is left to pay."),
        final=_money(grant, _ceiling(grant)),
        left=_money(grant, left),
    )


def _totals(payment: GrantPayment) -> dict:
    amount = payment.amount
    if payment.kind is PaymentKind.recovery:
        return {"recovered_total": Grant.recovered_total + amount}
    totals = {"paid_total": Grant.paid_total + amount}
    if payment.kind is PaymentKind.prefinancing:
        totals["prefinancing_paid"] = Grant.prefinancing_paid + amount
    return totals


class _Gone(Exception):
    """The payment was no longer recorded when the UPDATE ran."""


def authorise(payment: GrantPayment, user_id: int, now: datetime) -> None:
    """Authorise a recorded payment: another staff user than the one who recorded it. Counts it
    as paid (or recovered) on the grant, then closes the grant if that settled it."""
    if payment.status is not PaymentStatus.recorded:
        raise PaymentRefused(N_("This payment is no longer waiting for an authorisation."))
    if payment.recorded_by_id == user_id:
        raise PaymentRefused(
            N_("You recorded this payment: another staff user must authorise it (four eyes).")
        )
    grant = payment.grant
    _moving(grant)
    if payment.kind is PaymentKind.prefinancing and grant.status is GrantStatus.terminated:
        raise PaymentRefused(N_("The grant is terminated: no more pre-financing is paid."))
    grant_status.check(PaymentStatus.recorded, PaymentStatus.authorised)
    kind, amount, grant_id = payment.kind, payment.amount, grant.id
    try:
        with db.session.begin_nested():
            moved = db.session.execute(
                update(GrantPayment)
                .where(GrantPayment.id == payment.id, GrantPayment.status == PaymentStatus.recorded)
                .values(
                    status=PaymentStatus.authorised, authorised_by_id=user_id, authorised_at=now
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if moved != 1:
                raise _Gone
            db.session.execute(
                update(Grant)
                .where(Grant.id == grant_id)
                .values(**_totals(payment))
                .execution_options(synchronize_session=False)
            )
    except _Gone:
        db.session.expire(payment)
        raise PaymentRefused(
            N_("This payment is no longer waiting for an authorisation.")
        ) from None
    except IntegrityError as error:
        db.session.expire(grant)
        db.session.expire(payment)
        if "four_eyes" in str(error.orig):
            raise PaymentRefused(
                N_("You recorded this payment: another staff user must authorise it (four eyes).")
            ) from None
        raise _left_message(grant, kind) from None
    db.session.expire(payment)
    db.session.expire(grant)
    refresh_dues(
        db.session, [grant_id]
    )  # the UPDATEs pass the flush hook by (grants.payments.dues)
    audit(
        "payment.authorised",
        payment,
        {"status": PaymentStatus.recorded},
        {"status": PaymentStatus.authorised, "kind": kind, "amount": amount},
        user_id,
    )
    settle_if_done(grant, user_id, now)


def cancel(payment: GrantPayment, user_id: int, now: datetime) -> None:
    """Cancel a payment still waiting for its authorisation (a mistake in it: record it again)."""
    if payment.status is not PaymentStatus.recorded:
        raise PaymentRefused(N_("This payment is no longer waiting for an authorisation."))
    grant_status.check(PaymentStatus.recorded, PaymentStatus.cancelled)
    grant_id = payment.grant_id
    moved = db.session.execute(
        update(GrantPayment)
        .where(GrantPayment.id == payment.id, GrantPayment.status == PaymentStatus.recorded)
        .values(status=PaymentStatus.cancelled)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(payment)
    if moved != 1:
        raise PaymentRefused(N_("This payment is no longer waiting for an authorisation."))
    refresh_dues(db.session, [grant_id])  # the UPDATE passes the flush hook by
    audit(
        "payment.cancelled",
        payment,
        {"status": PaymentStatus.recorded},
        {"status": PaymentStatus.cancelled, "at": now},
        user_id,
    )


def settle_if_done(grant: Grant, user_id: int | None, now: datetime) -> bool:
    """Close the grant (in force or terminated -> closed) if it is settled: its final amount set
    and what was paid less what was recovered exactly that amount (grants.rules.payment_schedule.
    settled). Called after each authorisation, and by whoever sets the final amount (a balance of
    zero closes the grant at once). Whether it closed it."""
    db.session.flush()
    db.session.refresh(grant)
    if grant.status not in MOVING or not settled(
        grant.final_amount, grant.paid_total, grant.recovered_total
    ):
        return False
    grant.closed_at = now
    move_grant_object(
        grant,
        GrantStatus.closed,
        action="grant.closed",
        user_id=user_id,
        after={
            "final_amount": grant.final_amount,
            "paid_total": grant.paid_total,
            "recovered_total": grant.recovered_total,
        },
    )
    db.session.flush()
    return True
