"""A grant: the contract of an awarded application and everything managed on it to its closure
(docs/domain.md 7): its versions (each amendment a new one) with their budget lines, the logical
framework's indicators carried into it, payments, reports with their cost lines and indicator
values, amendments.

The money rules the database keeps whatever the code does:
- the sum paid (pre-financing and balance, authorised) never exceeds the final amount, or the
  maximum grant before there is one (pre-financing paid before a lower final amount was set is
  the exception: the recovery takes the difference back, and never more); pre-financing paid
  never exceeds its ceiling (90 % of the maximum grant by default): `grant.paid_total`,
  `grant.prefinancing_paid` and `grant.recovered_total` are moved by conditional UPDATEs when a
  payment is authorised (grants/payments/services.py), and CHECKs stand behind them;
- a payment is authorised by another user than the one who recorded it (four eyes);
- an accepted cost is between 0 and what was reported.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.models.base import Base, Money, Timestamp, enum_column, now_utc
from grants.rules.grant_amendments import AmendedBudget, amended_budget
from grants.rules.grant_status import (
    AmendmentKind,
    AmendmentStatus,
    GrantStatus,
    PaymentKind,
    PaymentStatus,
    ReportKind,
    ReportStatus,
)
from grants.rules.grant_terms import GrantTerms, Scheme, terms_of

ZERO = Decimal("0.00")
PAID_WITHIN_FINAL = (
    "paid_total >= prefinancing_paid AND paid_total <= max_grant AND (final_amount IS NULL"
    " OR paid_total <= final_amount OR paid_total = prefinancing_paid)"
)


class Grant(Base):
    __tablename__ = "grant"
    __table_args__ = (
        UniqueConstraint("call_id", "sequence"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
        CheckConstraint("max_grant > 0 AND contract_total > 0", name="amounts_positive"),
        CheckConstraint("months >= 1", name="months_positive"),
        CheckConstraint(
            "prefinancing_ceiling >= 0 AND prefinancing_ceiling <= max_grant",
            name="ceiling_within_grant",
        ),
        CheckConstraint(
            "final_amount IS NULL OR (final_amount >= 0 AND final_amount <= max_grant)",
            name="final_within_grant",
        ),
        CheckConstraint(
            "prefinancing_paid >= 0 AND prefinancing_paid <= prefinancing_ceiling",
            name="prefinancing_within_ceiling",
        ),
        # a final amount below the pre-financing paid (a recovery is due) is stored as such: only
        # then may the sum paid exceed it, when no balance was paid on top of the pre-financing
        CheckConstraint(PAID_WITHIN_FINAL, name="paid_within_final"),
        CheckConstraint("recovered_total >= 0", name="recovered_positive"),
        # a recovery takes back no more than what was paid above the final amount
        CheckConstraint(
            "recovered_total = 0 OR "
            "(final_amount IS NOT NULL AND paid_total - recovered_total >= final_amount)",
            name="recovered_within_excess",
        ),
        CheckConstraint("authorised_contingency >= 0", name="contingency_positive"),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), unique=True
    )
    sequence: Mapped[int]  # 1, 2, 3... per call, in order of creation, no gaps
    number: Mapped[str] = mapped_column(String(80), unique=True)  # <CALL-REF>/G/<NNN>
    status: Mapped[GrantStatus] = enum_column(GrantStatus, default=GrantStatus.draft, index=True)
    version: Mapped[int] = mapped_column(default=1)  # bumped on each save: concurrent edits

    # the contract's terms, those of its current version (each version keeps its own)
    max_grant: Mapped[Money]
    contract_total: Mapped[Money]  # total eligible costs of the contract budget
    months: Mapped[int]
    scheme: Mapped[Scheme] = enum_column(Scheme)
    terms: Mapped[dict[str, Any]]  # the call's grant numbers when the contract was prepared
    set_start: Mapped[date | None] = mapped_column(Date)  # a later start the contract sets
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    # the beneficiary's bank account
    account_holder: Mapped[str] = mapped_column(String(200), default="")
    iban: Mapped[str] = mapped_column(String(34), default="")  # electronic form, checked
    bic: Mapped[str] = mapped_column(String(11), default="")
    bank_name: Mapped[str] = mapped_column(String(200), default="")

    # money
    prefinancing_ceiling: Mapped[Money]
    prefinancing_paid: Mapped[Money] = mapped_column(default=ZERO)
    paid_total: Mapped[Money] = mapped_column(default=ZERO)  # pre-financing + balance paid
    recovered_total: Mapped[Money] = mapped_column(default=ZERO)
    authorised_contingency: Mapped[Money] = mapped_column(default=ZERO)
    final_amount: Mapped[Money | None]

    # signatures and dates
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    sent_at: Mapped[Timestamp | None]
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    signed_at: Mapped[Timestamp | None]
    signed_file: Mapped[str | None] = mapped_column(String(80))  # stored name of an uploaded PDF
    countersigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    countersigned_at: Mapped[Timestamp | None]
    closed_at: Mapped[Timestamp | None]
    terminated_at: Mapped[Timestamp | None]
    termination_reason: Mapped[str] = mapped_column(Text, default="")

    call = relationship("Call")
    application = relationship("Application")
    versions: Mapped[list[GrantVersion]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantVersion.number"
    )
    indicators: Mapped[list[GrantIndicator]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantIndicator.position"
    )
    payments: Mapped[list[GrantPayment]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantPayment.id"
    )
    reports: Mapped[list[GrantReport]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantReport.id"
    )
    amendments: Mapped[list[GrantAmendment]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantAmendment.id"
    )

    def grant_terms(self) -> GrantTerms:
        """The numbers this contract runs on (copied from its call when prepared), as the rules
        read them."""
        return terms_of(self.terms)

    def amended_budget(self, amounts, indirect, contingency, wanted_max) -> AmendedBudget:
        """A changed contract budget judged by grants.rules.grant_amendments against this grant's
        maximum, total and payments and its call's limits (a budget amendment, or the correction
        of a draft before it is sent): refused unless it keeps them."""
        call = self.call
        return amended_budget(
            list(amounts),
            indirect,
            contingency,
            max_grant=self.max_grant,
            contract_total=self.contract_total,
            wanted_max=wanted_max,
            indirect_rate=call.indirect_rate,
            contingency_rate=call.contingency_rate,
            min_rate=call.min_rate,
            max_rate=call.max_rate,
            paid=self.paid_total,
            currency=call.currency,
        )

    @property
    def current(self) -> GrantVersion | None:
        return self.versions[-1] if self.versions else None

    def __repr__(self) -> str:
        return f"<Grant {self.number} {self.status.value}>"


class GrantVersion(Base):
    """One version of the contract: the first when prepared, one more per approved amendment."""

    __tablename__ = "grant_version"
    __table_args__ = (
        UniqueConstraint("grant_id", "number"),
        CheckConstraint("max_grant > 0 AND contract_total > 0", name="amounts_positive"),
        CheckConstraint("indirect >= 0 AND contingency >= 0", name="costs_positive"),
        CheckConstraint("months >= 1", name="months_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grant.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1, 2, ...
    max_grant: Mapped[Money]
    contract_total: Mapped[Money]
    indirect: Mapped[Money] = mapped_column(default=ZERO)
    contingency: Mapped[Money] = mapped_column(default=ZERO)
    months: Mapped[int]
    end_date: Mapped[date | None] = mapped_column(Date)
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("grant_amendment.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[Timestamp] = mapped_column(default=now_utc)

    grant: Mapped[Grant] = relationship(back_populates="versions")
    lines: Mapped[list[GrantBudgetLine]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="GrantBudgetLine.position"
    )


class GrantBudgetLine(Base):
    """A line of a contract version's budget: a direct cost under a heading (docs/domain.md 3)."""

    __tablename__ = "grant_budget_line"
    __table_args__ = (
        CheckConstraint("heading >= 1 AND heading <= 6", name="heading_range"),
        CheckConstraint("amount >= 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("grant_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    heading: Mapped[int]
    description: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Money]
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))

    version: Mapped[GrantVersion] = relationship(back_populates="lines")
    organisation = relationship("Organisation")


class GrantIndicator(Base):
    """An indicator of the application's logical framework, carried into the grant when the
    contract was prepared (later changes to the application do not move it)."""

    __tablename__ = "grant_indicator"
    __table_args__ = (CheckConstraint("baseline >= 0 AND target >= 0", name="values_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grant.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    result: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(80))
    baseline: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    target: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    grant: Mapped[Grant] = relationship(back_populates="indicators")


class GrantPayment(Base):
    """A payment to the beneficiary (pre-financing, balance) or a recovery from it: recorded by
    one staff user, authorised by another."""

    __tablename__ = "grant_payment"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "authorised_by_id IS NULL OR authorised_by_id <> recorded_by_id", name="four_eyes"
        ),
        CheckConstraint(
            "(status = 'authorised') = "
            "(authorised_by_id IS NOT NULL AND authorised_at IS NOT NULL)",
            name="authorised_has_who",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grant.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PaymentKind] = enum_column(PaymentKind)
    status: Mapped[PaymentStatus] = enum_column(PaymentStatus, default=PaymentStatus.recorded)
    period: Mapped[int | None]  # the reporting period of a pre-financing instalment
    amount: Mapped[Money]
    value_date: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(80), default="")  # bank or order reference
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    authorised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    authorised_at: Mapped[Timestamp | None]

    grant: Mapped[Grant] = relationship(back_populates="payments")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    authorised_by = relationship("User", foreign_keys=[authorised_by_id])


class GrantReport(Base):
    """An interim report (per reporting period but the last) or the final report: narrative and
    financial."""

    __tablename__ = "grant_report"
    __table_args__ = (
        UniqueConstraint("grant_id", "kind", "period"),
        CheckConstraint("period >= 1", name="period_positive"),
        CheckConstraint(
            "reported_indirect >= 0 AND reported_contingency >= 0", name="costs_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grant.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReportKind] = enum_column(ReportKind)
    period: Mapped[int]  # the reporting period it covers (the final report: the last)
    status: Mapped[ReportStatus] = enum_column(ReportStatus, default=ReportStatus.draft)
    version: Mapped[int] = mapped_column(default=1)  # bumped on each save: concurrent edits
    due_on: Mapped[date] = mapped_column(Date)
    activities: Mapped[str] = mapped_column(Text, default="")  # narrative: activities done
    reported_indirect: Mapped[Money] = mapped_column(default=ZERO)
    reported_contingency: Mapped[Money] = mapped_column(default=ZERO)
    verification_file: Mapped[str | None] = mapped_column(String(80))  # the auditor's PDF
    verification_name: Mapped[str] = mapped_column(String(200), default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[Timestamp | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[Timestamp | None]
    comments: Mapped[str] = mapped_column(Text, default="")  # staff's, when returned

    grant: Mapped[Grant] = relationship(back_populates="reports")
    lines: Mapped[list[GrantReportLine]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="GrantReportLine.id"
    )
    indicators: Mapped[list[GrantReportIndicator]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="GrantReportIndicator.id"
    )


class GrantReportLine(Base):
    """The actual cost of a contract budget line in a report, and what staff accepted of it."""

    __tablename__ = "grant_report_line"
    __table_args__ = (
        UniqueConstraint("report_id", "budget_line_id"),
        CheckConstraint("actual >= 0", name="actual_positive"),
        CheckConstraint(
            "accepted IS NULL OR (accepted >= 0 AND accepted <= actual)",
            name="accepted_within_actual",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("grant_report.id", ondelete="CASCADE"), index=True
    )
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("grant_budget_line.id"))
    actual: Mapped[Money] = mapped_column(default=ZERO)
    accepted: Mapped[Money | None]
    set_aside_reason: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[GrantReport] = relationship(back_populates="lines")
    budget_line = relationship("GrantBudgetLine")


class GrantReportIndicator(Base):
    """An indicator's achieved value in a report, against its baseline and target."""

    __tablename__ = "grant_report_indicator"
    __table_args__ = (
        UniqueConstraint("report_id", "indicator_id"),
        CheckConstraint("achieved IS NULL OR achieved >= 0", name="achieved_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("grant_report.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(ForeignKey("grant_indicator.id", ondelete="CASCADE"))
    achieved: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    comment: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[GrantReport] = relationship(back_populates="indicators")
    indicator = relationship("GrantIndicator")


class GrantAmendment(Base):
    """A change the lead asks for: a later end date, a budget change beyond the flexibility, a
    partner change; staff approve (a new contract version) or refuse, with a reason."""

    __tablename__ = "grant_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grant.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AmendmentKind] = enum_column(AmendmentKind)
    status: Mapped[AmendmentStatus] = enum_column(
        AmendmentStatus, default=AmendmentStatus.requested
    )
    justification: Mapped[str] = mapped_column(Text, default="")  # the lead's
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what changes, by kind
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[Timestamp | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    grant: Mapped[Grant] = relationship(back_populates="amendments")
