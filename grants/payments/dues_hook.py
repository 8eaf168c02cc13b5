"""Keeps grants.models.GrantDue in step with what the schedule reads: every flush that writes a
grant, a payment, a report or one of its lines, an amendment, or a call's time zone has the grants
concerned recomputed by grants.payments.dues.refresh, in the same transaction, before the flush
ends.

A writer that passes the ORM's flush by calls grants.payments.dues.refresh itself: the conditional
UPDATEs of a payment's authorisation and cancellation (grants.payments.services), the bulk inserts
of bench/grants_dataset.py; the bundle import's DELETEs take the rows of the grants they delete
along. The other bulk UPDATEs on these tables (the report's and the call's counters) do not touch
what the schedule reads. `flask grants refresh-dues` repairs everything."""

from __future__ import annotations

from itertools import chain

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from grants.models import (
    Call,
    Grant,
    GrantAmendment,
    GrantPayment,
    GrantReport,
    GrantReportLine,
)
from grants.payments.dues import refresh

KEY = "grants.payments.dues.touched"
OF_A_GRANT = (GrantPayment, GrantReport, GrantAmendment)


def _touched(session: Session) -> dict[str, set[int]]:
    return session.info.setdefault(KEY, {"grants": set(), "reports": set(), "calls": set()})


def _note(session: Session, objects) -> None:
    touched = _touched(session)
    for obj in objects:
        if isinstance(obj, Grant):
            touched["grants"].add(obj.id)
        elif isinstance(obj, OF_A_GRANT):
            touched["grants"].add(obj.grant_id)
        elif isinstance(obj, GrantReportLine):
            touched["reports"].add(obj.report_id)
        elif isinstance(obj, Call) and inspect(obj).attrs.timezone.history.has_changes():
            touched["calls"].add(obj.id)


def before_flush(session: Session, _context, _instances) -> None:
    """What is changed or deleted, read while its rows are still there."""
    _note(session, chain(session.dirty, session.deleted))


def after_flush(session: Session, _context) -> None:
    """What is new, once it has its ids (and its grant's)."""
    _note(session, session.new)


def after_flush_postexec(session: Session, _context) -> None:
    touched = session.info.pop(KEY, None)
    if not touched:
        return
    grants = touched["grants"] - {None}
    if touched["reports"] - {None}:
        grants |= set(
            session.scalars(
                select(GrantReport.grant_id).where(GrantReport.id.in_(touched["reports"]))
            )
        )
    if touched["calls"] - {None}:
        grants |= set(session.scalars(select(Grant.id).where(Grant.call_id.in_(touched["calls"]))))
    if grants:
        refresh(session, grants)


def after_rollback(session: Session) -> None:
    session.info.pop(KEY, None)


HANDLERS = {
    "before_flush": before_flush,
    "after_flush": after_flush,
    "after_flush_postexec": after_flush_postexec,
    "after_soft_rollback": lambda session, _previous: after_rollback(session),
}


def install() -> None:
    """Listen on every session (once)."""
    for name, handler in HANDLERS.items():
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)
