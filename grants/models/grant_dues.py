"""What falls due on each grant, kept by grants.payments.dues (one writer: it recomputes a grant's
rows from the schedule rules whenever something the schedule reads is flushed): the open payments of
its schedule (grants.rules.payment_schedule: released and not paid, not recorded) and the reports
not yet sent (grants.rules.grant_oversight.due_reports). Only what does not depend on the day is
kept: whether an item is due, overdue or later is judged when it is read, at the reader's clock."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from grants.models.base import Base, Money


class GrantDue(Base):
    __tablename__ = "grant_due"
    __table_args__ = (Index("ix_grant_due_family_due_on", "family", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grant.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]  # its place among the grant's items (reports first, then payments)
    family: Mapped[str] = mapped_column(String(10))  # "report" | "payment"
    # interim_report, final_report; prefinancing, balance, recovery
    what: Mapped[str] = mapped_column(String(20))
    period: Mapped[int | None]
    # a payment without a date of its own (a balance before its final report's day) is due from
    # the day it is read: None
    due_on: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Money | None]  # a payment's amount (None for a report)
    done: Mapped[Money | None]  # what was paid of it so far (None for a report)
