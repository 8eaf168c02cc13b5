"""Evaluation: evaluator pool and declarations, assignments, scores."""

from __future__ import annotations

import enum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    case,
    null,
    select,
    type_coerce,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from grants.models.applications import ApplicationStage, StageStatus
from grants.models.base import Base, Points, Timestamp, enum_column, now_utc


class CallEvaluator(Base):
    """An evaluator in a call's pool, with the call's impartiality and confidentiality
    declaration."""

    __tablename__ = "call_evaluator"
    __table_args__ = (UniqueConstraint("call_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    added_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    impartiality_signed_at: Mapped[Timestamp | None]

    user = relationship("User")


class ConflictStatus(enum.Enum):
    undeclared = "undeclared"
    no_conflict = "no_conflict"
    conflict = "conflict"


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("stage_id", "evaluator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("application_stage.id", ondelete="CASCADE"), index=True
    )
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    assigned_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    extra: Mapped[bool] = mapped_column(default=False)  # the one more evaluator after a discrepancy
    conflict: Mapped[ConflictStatus] = enum_column(
        ConflictStatus, default=ConflictStatus.undeclared
    )
    conflict_declared_at: Mapped[Timestamp | None]
    conflict_reason: Mapped[str | None] = mapped_column(
        Text
    )  # what the declared conflict is, in the evaluator's words
    ended_at: Mapped[Timestamp | None]  # a declared conflict ends the assignment

    stage = relationship("ApplicationStage")
    evaluator = relationship("User", foreign_keys=[evaluator_id])
    evaluation: Mapped[Evaluation | None] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", uselist=False
    )


class Evaluation(Base):
    __tablename__ = "evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), unique=True
    )
    started_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    updated_at: Mapped[Timestamp] = mapped_column(default=now_utc, onupdate=now_utc)
    submitted_at: Mapped[Timestamp | None]  # submitting locks the evaluation

    assignment: Mapped[Assignment] = relationship(back_populates="evaluation")
    scores: Mapped[list[Score]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan"
    )
    section_comments: Mapped[list[SectionComment]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan"
    )


class Score(Base):
    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "criterion_id"),
        CheckConstraint("score >= 1 AND score <= 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"))
    score: Mapped[int | None]  # a draft may hold a comment before its score; submission needs both
    comment: Mapped[str] = mapped_column(Text, default="")

    evaluation: Mapped[Evaluation] = relationship(back_populates="scores")
    criterion = relationship("Criterion")


class SectionComment(Base):
    __tablename__ = "section_comment"
    __table_args__ = (UniqueConstraint("evaluation_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(ForeignKey("grid_section.id"))
    strengths: Mapped[str] = mapped_column(Text, default="")
    weaknesses: Mapped[str] = mapped_column(Text, default="")

    evaluation: Mapped[Evaluation] = relationship(back_populates="section_comments")


class StageFinal(Base):
    """A stage's final score, stored when evaluation decides it: the total and (SectionFinal) each
    section's, the means over the evaluations the final uses (docs/domain.md 4), to 4 decimals.

    Written only by grants.evaluation.services.settle (when the evaluations settle a stage, by a
    bundle import and by `flask calls settle-scores`); the ranking, letters, exports and pages read
    it, through `ApplicationStage.final_score` (below). A stage whose evaluations are missing or
    disagree has none; a bundle's stage that records its final score without evaluations has that
    total and no sections."""

    __tablename__ = "stage_final"
    __table_args__ = (CheckConstraint("total >= 0", name="total_positive"),)

    stage_id: Mapped[int] = mapped_column(
        ForeignKey("application_stage.id", ondelete="CASCADE"), primary_key=True
    )
    total: Mapped[Points]
    settled_at: Mapped[Timestamp] = mapped_column(default=now_utc)

    sections: Mapped[list[SectionFinal]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class SectionFinal(Base):
    """One section's final score of a stage (by the section's code in the stage's grid)."""

    __tablename__ = "section_final"
    __table_args__ = (CheckConstraint("score >= 0", name="score_positive"),)

    stage_id: Mapped[int] = mapped_column(
        ForeignKey("stage_final.stage_id", ondelete="CASCADE"), primary_key=True
    )
    section: Mapped[str] = mapped_column(String(16), primary_key=True)
    score: Mapped[Points]


# A stage's final score as the product shows it: its stored total once the stage is decided
# (evaluated, below the thresholds or beyond); None while it is admissible, even where a bundle
# import or `flask calls settle-scores` stored a total the ranking has not yet decided on.
# Read-only: StageFinal is the one place it is written.
ApplicationStage.final_score = column_property(
    type_coerce(
        case(
            (
                ApplicationStage.status != StageStatus.admissible,
                select(StageFinal.total)
                .where(StageFinal.stage_id == ApplicationStage.id)
                .correlate_except(StageFinal)
                .scalar_subquery(),
            ),
            else_=null(),
        ),
        Numeric(10, 4),
    )
)
