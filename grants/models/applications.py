"""Applications: the joint proposal, its partnership, budget, attachments and stages."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.models.base import Base, Money, Timestamp, enum_column, now_utc
from grants.models.calls import Stage
from grants.rules.logframe import IndicatorFacts, ResultFacts
from grants.rules.text import fold
from grants.rules.transitions import PartnerStatus, StageStatus

# the project part of an application, as the applicant fills it in (the lot apart)
PROJECT_FIELDS = (
    "title",
    "acronym",
    "theme",
    "summary",
    "objectives",
    "activities",
    "expected_results",
    "start_month",
    "duration_months",
)


class Application(Base):
    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("call_id", "number"),
        # one draft per lead and call: a double click on Start cannot make two (docs/domain.md 3)
        Index(
            "uq_application_one_draft",
            "lead_id",
            "call_id",
            unique=True,
            sqlite_where=text("number IS NULL"),
            postgresql_where=text("number IS NULL"),
        ),
        CheckConstraint(
            "indirect >= 0 AND contingency >= 0 AND requested_grant >= 0", name="amounts_positive"
        ),
        CheckConstraint(
            "duration_months IS NULL OR duration_months >= 1", name="duration_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    number: Mapped[int | None]  # given at first submission, 1, 2, 3... per call
    reference: Mapped[str | None] = mapped_column(String(48), unique=True)

    title: Mapped[str] = mapped_column(String(300), default="")
    title_key: Mapped[str] = mapped_column(
        String(300), default=""
    )  # folded title for staff search, set on write
    acronym: Mapped[str] = mapped_column(String(40), default="")
    theme: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    activities: Mapped[str] = mapped_column(Text, default="")
    expected_results: Mapped[str] = mapped_column(Text, default="")
    start_month: Mapped[int | None]
    duration_months: Mapped[int | None]

    indirect: Mapped[Money] = mapped_column(default=Decimal("0.00"))
    contingency: Mapped[Money] = mapped_column(default=Decimal("0.00"))
    requested_grant: Mapped[Money] = mapped_column(default=Decimal("0.00"))
    # the logical framework's objectives; its results and their indicators are LogframeResult rows
    overall_objective: Mapped[str] = mapped_column(Text, default="", server_default="")
    specific_objective: Mapped[str] = mapped_column(Text, default="", server_default="")

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    updated_at: Mapped[Timestamp] = mapped_column(default=now_utc, onupdate=now_utc)
    version: Mapped[int] = mapped_column(
        default=1
    )  # bumped on each save, for "changed underneath" warnings

    call = relationship("Call")
    lot = relationship("Lot")
    lead = relationship("Organisation", foreign_keys=[lead_id])
    partners: Mapped[list[Partner]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Partner.position"
    )
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="BudgetLine.position"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )
    results: Mapped[list[LogframeResult]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="LogframeResult.position",
    )
    stages: Mapped[list[ApplicationStage]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationStage.stage",
    )

    def stage(self, stage: Stage) -> ApplicationStage | None:
        return next((s for s in self.stages if s.stage is stage), None)

    def logframe(self) -> tuple[ResultFacts, ...]:
        """The logical framework's results, as the rules read them (grants.rules.logframe)."""
        return tuple(
            ResultFacts(
                r.text,
                tuple(
                    IndicatorFacts(i.description, i.unit, i.baseline, i.target)
                    for i in r.indicators
                ),
            )
            for r in self.results
        )


@event.listens_for(Application, "before_insert")
@event.listens_for(Application, "before_update")
def _refresh_title_key(mapper, connection, application: Application) -> None:
    application.title_key = fold(application.title)[:300]


class ApplicationStage(Base):
    """One stage (concept note or full application) of an application, with its outcome.

    Its status changes only through `grants.status.move_stage` (or, for many rows at once, a bulk
    UPDATE that calls the same transition check), which checks the move and writes the audit
    event."""

    __tablename__ = "application_stage"
    __table_args__ = (
        UniqueConstraint("application_id", "stage"),
        CheckConstraint(
            "requested_grant IS NULL OR requested_grant >= 0", name="requested_positive"
        ),
        CheckConstraint("awarded_amount IS NULL OR awarded_amount >= 0", name="awarded_positive"),
        CheckConstraint("rank IS NULL OR rank >= 1", name="rank_positive"),
        CheckConstraint("submissions >= 0", name="submissions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[Stage] = enum_column(Stage)
    status: Mapped[StageStatus] = enum_column(StageStatus, default=StageStatus.draft, index=True)
    submitted_at: Mapped[
        Timestamp | None
    ]  # while submitted; cleared when reopened (it then counts as not submitted)
    first_submitted_at: Mapped[Timestamp | None]
    submissions: Mapped[int] = mapped_column(
        default=0, server_default="0"
    )  # how many times submitted
    reopened_at: Mapped[
        Timestamp | None
    ]  # set while the lead corrects a submitted stage (a draft again)
    # what was submitted last, as the receipt shows it (reports.receipt.receipt_to_json): staff
    # pages,
    # receipts and summaries read this, never the draft being corrected nor a later rename
    submitted_version: Mapped[dict[str, Any] | None]
    requested_grant: Mapped[Money | None]
    inadmissible_reasons: Mapped[list[str]] = mapped_column(default=list)
    rank: Mapped[int | None]
    awarded_amount: Mapped[Money | None]
    # why the award walk decided as it did (grants.rules.ranking.Turn as JSON: why, remaining,
    # stop_rank,
    # reserve_full), kept by the ranking for the decision letter; None for stages it did not walk
    award_turn: Mapped[dict[str, Any] | None]
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[Timestamp] = mapped_column(default=now_utc, onupdate=now_utc)

    application: Mapped[Application] = relationship(back_populates="stages")

    @property
    def requested_grant_or_application(self) -> Decimal:
        """The grant requested in this stage, as submitted; the application's (its draft) if the
        stage kept none."""
        return (
            self.requested_grant
            if self.requested_grant is not None
            else self.application.requested_grant
        )

    @property
    def last_submitted_at(self) -> datetime | None:
        """When it was last submitted: now, or before it was reopened (the kept version's time)."""
        if self.submitted_at is not None or not self.submitted_version:
            return self.submitted_at
        return datetime.fromisoformat(self.submitted_version["submitted_at"])


class Partner(Base):
    __tablename__ = "partner"
    __table_args__ = (UniqueConstraint("application_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    role: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PartnerStatus] = enum_column(PartnerStatus, default=PartnerStatus.proposed)
    confirmed_at: Mapped[Timestamp | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    declined_at: Mapped[Timestamp | None]
    # what the partner's mandate covered when it confirmed (docs/domain.md 3): its budget share and
    # role
    confirmed_share: Mapped[Money | None]
    confirmed_role: Mapped[str] = mapped_column(Text, default="")
    # everything its confirmation page showed (grants.rules.confirmation.terms); kept after a void,
    # to say what changed
    confirmed_terms: Mapped[dict[str, Any] | None]
    decline_reason: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="partners")
    organisation = relationship("Organisation")


class BudgetLine(Base):
    __tablename__ = "budget_line"
    __table_args__ = (
        CheckConstraint("heading >= 1 AND heading <= 6", name="heading_range"),
        CheckConstraint("quantity >= 0 AND unit_cost >= 0", name="amounts_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    heading: Mapped[int]
    description: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40), default="")
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    unit_cost: Mapped[Money]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))

    application: Mapped[Application] = relationship(back_populates="budget_lines")
    organisation = relationship("Organisation")


class AttachmentKind(enum.Enum):
    partnership_statement = "partnership_statement"
    declaration = "declaration"
    annex = "annex"


class Attachment(Base):
    __tablename__ = "attachment"
    __table_args__ = (CheckConstraint("size >= 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AttachmentKind] = enum_column(AttachmentKind)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id")
    )  # whose statement
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[Timestamp] = mapped_column(default=now_utc)

    application: Mapped[Application] = relationship(back_populates="attachments")


class LogframeResult(Base):
    """An expected result of the application's logical framework (docs/domain.md 3), in order.

    A grant refers to the results and indicators by their ids (the reports give each indicator's
    achieved value against its baseline and target)."""

    __tablename__ = "logframe_result"
    __table_args__ = (CheckConstraint("position >= 0", name="position_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="results")
    indicators: Mapped[list[LogframeIndicator]] = relationship(
        back_populates="result",
        cascade="all, delete-orphan",
        order_by="LogframeIndicator.position",
    )


class LogframeIndicator(Base):
    """How a result is measured: a unit, the value at the start (baseline) and the value aimed at
    (target). Both are amounts of the unit, so 0 or more; a target may be below its baseline (an
    indicator of something to reduce)."""

    __tablename__ = "logframe_indicator"
    __table_args__ = (
        CheckConstraint("position >= 0", name="position_positive"),
        CheckConstraint(
            "(baseline IS NULL OR baseline >= 0) AND (target IS NULL OR target >= 0)",
            name="values_positive",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(
        ForeignKey("logframe_result.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40), default="")
    # None while the draft lacks it; submission asks for both when the call requires a framework
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    target: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    source: Mapped[str] = mapped_column(Text, default="")  # the source of verification

    result: Mapped[LogframeResult] = relationship(back_populates="indicators")
