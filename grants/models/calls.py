"""Calls for proposals: settings, lots and evaluation grids."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.models.base import Base, Money, Points, Rate, Timestamp, enum_column, now_utc
from grants.rules import budget, eligibility, scoring
from grants.rules.grant_terms import GrantTerms
from grants.rules.transitions import CallStatus


class Procedure(enum.Enum):
    open = "open"
    restricted = "restricted"


class AwardRule(enum.Enum):
    strict = "strict"
    fill = "fill"


class Stage(enum.Enum):
    concept_note = "concept_note"
    full_application = "full_application"


# the call's settings of its grants: GrantTerms' fields, the call's indirect rate aside
GRANT_SETTINGS = tuple(name for name in GrantTerms.__dataclass_fields__ if name != "indirect_rate")


class Call(Base):
    """A call for proposals. Its status changes only through `grants.status.move_call`."""

    __tablename__ = "call"
    __table_args__ = (
        CheckConstraint("total_budget >= 0", name="budget_positive"),
        CheckConstraint(
            "awarded_total >= 0 AND awarded_total <= total_budget", name="awarded_within_budget"
        ),
        CheckConstraint("grant_min >= 0 AND grant_min <= grant_max", name="grant_range"),
        CheckConstraint(
            "min_rate >= 0 AND min_rate <= max_rate AND max_rate <= 1", name="rate_range"
        ),
        CheckConstraint(
            "duration_min >= 1 AND duration_min <= duration_max", name="duration_range"
        ),
        CheckConstraint("indirect_rate >= 0 AND indirect_rate <= 1", name="indirect_rate_range"),
        CheckConstraint(
            "contingency_rate >= 0 AND contingency_rate <= 1", name="contingency_rate_range"
        ),
        CheckConstraint(
            "partners_min >= 0 AND partners_min <= partners_max", name="partners_range"
        ),
        CheckConstraint("max_applications_per_lead >= 1", name="max_applications_positive"),
        CheckConstraint("evaluators_per_application >= 1", name="evaluators_positive"),
        CheckConstraint(
            "reserve_list_length IS NULL OR reserve_list_length >= 0", name="reserve_positive"
        ),
        CheckConstraint("opens_at < deadline", name="opens_before_deadline"),
        CheckConstraint(
            "concept_note_deadline IS NULL OR (opens_at < concept_note_deadline AND "
            "concept_note_deadline < deadline)",
            name="concept_note_deadline_order",
        ),
        CheckConstraint("next_number >= 1", name="next_number_positive"),
        CheckConstraint("next_letter_number >= 1", name="next_letter_number_positive"),
        CheckConstraint("complaint_days >= 1", name="complaint_days_positive"),
        CheckConstraint(
            "document_request_days >= 1 AND document_request_days <= 90",
            name="document_request_days_range",
        ),
        CheckConstraint(
            "draft_reminder_last_days >= 1 AND draft_reminder_first_days > draft_reminder_last_days"
            " AND evaluation_reminder_days >= 1",
            name="reminder_days",
        ),
        CheckConstraint(
            "answer_window_days >= 0 AND question_window_days > answer_window_days",
            name="clarification_windows",
        ),
        # grants after award (docs/domain.md 7)
        CheckConstraint(
            "single_max_months >= 1 AND period_months >= 1", name="grant_months_positive"
        ),
        CheckConstraint(
            "single_max_grant >= 0 AND verification_threshold >= 0", name="grant_amounts_positive"
        ),
        CheckConstraint(
            "single_prefinancing_rate >= 0 AND "
            "single_prefinancing_rate <= prefinancing_ceiling_rate AND "
            "prefinancing_ceiling_rate <= 1",
            name="prefinancing_rates",
        ),
        CheckConstraint(
            "instalment_condition_rate >= 0 AND instalment_condition_rate <= 1",
            name="instalment_condition_range",
        ),
        CheckConstraint(
            "heading_flexibility_rate >= 0 AND heading_flexibility_rate <= 1",
            name="heading_flexibility_range",
        ),
        CheckConstraint(
            "prefinancing_due_days >= 0 AND instalment_due_days >= 0 AND interim_report_days >= 1"
            " AND final_report_days >= 1",
            name="grant_days_positive",
        ),
        CheckConstraint(
            "report_reminder_days >= 1 AND payment_reminder_days >= 0",
            name="grant_reminder_days_positive",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Istanbul")
    procedure: Mapped[Procedure] = enum_column(Procedure, default=Procedure.open)
    status: Mapped[CallStatus] = enum_column(CallStatus, default=CallStatus.draft, index=True)
    themes: Mapped[list[str]] = mapped_column(default=list)

    opens_at: Mapped[Timestamp]
    concept_note_deadline: Mapped[Timestamp | None]
    deadline: Mapped[Timestamp]

    total_budget: Mapped[Money]
    awarded_total: Mapped[Money] = mapped_column(default=Decimal("0.00"))
    grant_min: Mapped[Money]
    grant_max: Mapped[Money]
    min_rate: Mapped[Rate]
    max_rate: Mapped[Rate]
    duration_min: Mapped[int]
    duration_max: Mapped[int]
    indirect_rate: Mapped[Rate]
    contingency_rate: Mapped[Rate]

    lead_countries: Mapped[list[str]] = mapped_column(default=list)
    lead_types: Mapped[list[str]] = mapped_column(default=list)
    partner_countries: Mapped[list[str]] = mapped_column(default=list)
    partner_types: Mapped[list[str]] = mapped_column(default=list)
    partners_min: Mapped[int] = mapped_column(default=1)
    partners_max: Mapped[int] = mapped_column(default=3)
    country_groups: Mapped[list[list[str]]] = mapped_column(default=list)
    max_applications_per_lead: Mapped[int] = mapped_column(default=1)

    evaluators_per_application: Mapped[int] = mapped_column(default=2)
    discrepancy_threshold: Mapped[Points]
    reserve_list_length: Mapped[int | None]
    award_rule: Mapped[AwardRule] = enum_column(AwardRule, default=AwardRule.strict)
    shortlist_ratio: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("2.0"))
    # submission needs a logical framework: a result with an indicator, each indicator complete
    logframe_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    evaluation_due_at: Mapped[
        Timestamp | None
    ]  # when evaluators are asked to have submitted (set by staff)
    complaint_days: Mapped[int] = mapped_column(
        default=30, server_default="30"
    )  # to complain after a letter
    # admissibility clarifications (domain.md 4): the lead's days to send a requested document
    document_request_days: Mapped[int] = mapped_column(default=7, server_default="7")
    # reminders (domain.md 8): drafts so many days before their deadline, evaluations before due
    draft_reminder_first_days: Mapped[int] = mapped_column(default=7, server_default="7")
    draft_reminder_last_days: Mapped[int] = mapped_column(default=1, server_default="1")
    evaluation_reminder_days: Mapped[int] = mapped_column(default=3, server_default="3")
    # clarifications (domain.md 2): questions until this many days before the first deadline,
    # answers published
    # until this many days before it
    question_window_days: Mapped[int] = mapped_column(default=21, server_default="21")
    answer_window_days: Mapped[int] = mapped_column(default=11, server_default="11")

    # grants after award (docs/domain.md 7): PRAG's defaults, read through `grant_terms()`
    single_max_months: Mapped[int] = mapped_column(default=12, server_default="12")
    single_max_grant: Mapped[Money] = mapped_column(
        default=Decimal("100000.00"), server_default="100000.00"
    )
    single_prefinancing_rate: Mapped[Rate] = mapped_column(
        default=Decimal("0.80"), server_default="0.80"
    )
    prefinancing_due_days: Mapped[int] = mapped_column(default=30, server_default="30")
    period_months: Mapped[int] = mapped_column(default=12, server_default="12")
    instalment_due_days: Mapped[int] = mapped_column(default=60, server_default="60")
    instalment_condition_rate: Mapped[Rate] = mapped_column(
        default=Decimal("0.70"), server_default="0.70"
    )
    prefinancing_ceiling_rate: Mapped[Rate] = mapped_column(
        default=Decimal("0.90"), server_default="0.90"
    )
    interim_report_days: Mapped[int] = mapped_column(default=60, server_default="60")
    final_report_days: Mapped[int] = mapped_column(default=90, server_default="90")
    verification_threshold: Mapped[Money] = mapped_column(
        default=Decimal("100000.00"), server_default="100000.00"
    )
    heading_flexibility_rate: Mapped[Rate] = mapped_column(
        default=Decimal("0.25"), server_default="0.25"
    )
    report_reminder_days: Mapped[int] = mapped_column(default=14, server_default="14")
    payment_reminder_days: Mapped[int] = mapped_column(default=7, server_default="7")

    next_number: Mapped[int] = mapped_column(default=1)  # reference counter, updated atomically
    next_letter_number: Mapped[int] = mapped_column(
        default=1, server_default="1"
    )  # letter counter, likewise
    created_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    updated_at: Mapped[Timestamp] = mapped_column(default=now_utc, onupdate=now_utc)
    published_at: Mapped[Timestamp | None]
    finalised_at: Mapped[Timestamp | None]
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    lots: Mapped[list[Lot]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="Lot.position"
    )
    grids: Mapped[list[Grid]] = relationship(back_populates="call", cascade="all, delete-orphan")

    def grid_for(self, stage: Stage) -> Grid | None:
        return next((g for g in self.grids if g.stage is stage), None)

    def submission_deadline(self, stage: Stage) -> datetime:
        return self.concept_note_deadline if stage is Stage.concept_note else self.deadline

    def eligibility_rules(self) -> eligibility.EligibilityRules:
        """Who may lead and partner in this call, as the plain data of grants.rules.eligibility."""
        return eligibility.EligibilityRules(
            lead_countries=self.lead_countries,
            lead_types=self.lead_types,
            partner_countries=self.partner_countries,
            partner_types=self.partner_types,
            partners_min=self.partners_min,
            partners_max=self.partners_max,
            country_groups=self.country_groups,
            max_applications_per_lead=self.max_applications_per_lead,
        )

    def budget_limits(self) -> budget.BudgetLimits:
        """The call's money and duration limits, as the plain data of grants.rules.budget."""
        return budget.BudgetLimits(
            grant_min=self.grant_min,
            grant_max=self.grant_max,
            min_rate=self.min_rate,
            max_rate=self.max_rate,
            indirect_rate=self.indirect_rate,
            contingency_rate=self.contingency_rate,
            duration_min=self.duration_min,
            duration_max=self.duration_max,
            currency=self.currency,
        )

    def grant_terms(self) -> GrantTerms:
        """The numbers of its grants (docs/domain.md 7), as the plain data of
        grants.rules.grant_terms."""
        return GrantTerms(
            indirect_rate=self.indirect_rate,
            **{name: getattr(self, name) for name in GRANT_SETTINGS},
        )

    def __repr__(self) -> str:
        return f"<Call {self.reference} {self.status.value}>"


class Lot(Base):
    __tablename__ = "lot"
    __table_args__ = (
        UniqueConstraint("call_id", "code"),
        CheckConstraint("budget >= 0", name="budget_positive"),
        CheckConstraint(
            "awarded_total >= 0 AND awarded_total <= budget", name="awarded_within_budget"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    themes: Mapped[list[str]] = mapped_column(default=list)
    budget: Mapped[Money]
    awarded_total: Mapped[Money] = mapped_column(default=Decimal("0.00"))

    call: Mapped[Call] = relationship(back_populates="lots")


class Grid(Base):
    __tablename__ = "grid"
    __table_args__ = (
        UniqueConstraint("call_id", "stage"),
        CheckConstraint("max_total >= 1", name="max_positive"),
        CheckConstraint(
            "pass_threshold >= 0 AND pass_threshold <= max_total", name="pass_within_max"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    stage: Mapped[Stage] = enum_column(Stage)
    max_total: Mapped[int]
    pass_threshold: Mapped[Points]
    tie_break_section: Mapped[str] = mapped_column(String(16))

    call: Mapped[Call] = relationship(back_populates="grids")
    sections: Mapped[list[GridSection]] = relationship(
        back_populates="grid", cascade="all, delete-orphan", order_by="GridSection.position"
    )

    def rules(self) -> tuple[scoring.Grid, dict[int, str]]:
        """The grid as the plain data of grants.rules.scoring, and criterion id -> criterion
        code."""
        sections = [
            scoring.Section(
                s.code, s.threshold, [scoring.Criterion(c.code, c.weight) for c in s.criteria]
            )
            for s in self.sections
        ]
        codes = {c.id: c.code for s in self.sections for c in s.criteria}
        return scoring.Grid(sections, self.pass_threshold, self.tie_break_section), codes


class GridSection(Base):
    __tablename__ = "grid_section"
    __table_args__ = (
        UniqueConstraint("grid_id", "code"),
        CheckConstraint("threshold IS NULL OR threshold >= 0", name="threshold_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    title_tr: Mapped[str] = mapped_column(
        String(200), default="", server_default=""
    )  # in Turkish; `title` in English
    threshold: Mapped[Points | None]

    grid: Mapped[Grid] = relationship(back_populates="sections")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="Criterion.position"
    )

    @property
    def max_score(self) -> int:
        return sum(5 * c.weight for c in self.criteria)


class Criterion(Base):
    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("section_id", "code"),
        CheckConstraint("weight >= 1 AND weight <= 5", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("grid_section.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    title_tr: Mapped[str] = mapped_column(String(200), default="", server_default="")
    description: Mapped[str] = mapped_column(
        Text, default=""
    )  # guidance for evaluators: what the score weighs
    description_tr: Mapped[str] = mapped_column(Text, default="", server_default="")
    weight: Mapped[int] = mapped_column(default=1)

    section: Mapped[GridSection] = relationship(back_populates="criteria")
