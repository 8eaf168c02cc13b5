"""Admissibility clarifications (domain.md 4): the documents staff ask the lead applicant for
during the administrative check, and staff overrides of an automatic check, each with its reason."""

from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.models.base import Base, Timestamp, enum_column, now_utc


class RequestStatus(enum.Enum):
    """As stored: an open request whose deadline passed reads as lapsed
    (grants.rules.admissibility_requests.state_of) until the check records it so."""

    open = "open"
    answered = "answered"
    lapsed = "lapsed"


REQUESTED_DOCUMENTS = ("declaration", "partnership_statement", "other")
AUTOMATIC_CHECK_KEYS = ("deadline", "complete", "documents", "eligibility", "budget", "confirmed")


class AdmissibilityRequest(Base):
    """A document asked of the lead applicant: the declaration, a partner's statement (which
    partner), or another document named in words; answered by one uploaded attachment."""

    __tablename__ = "admissibility_request"
    __table_args__ = (
        CheckConstraint(
            "document IN ('declaration', 'partnership_statement', 'other')", name="document_known"
        ),
        CheckConstraint(
            "(document = 'partnership_statement') = (organisation_id IS NOT NULL)",
            name="statement_names_partner",
        ),
        CheckConstraint("document <> 'other' OR other <> ''", name="other_named"),
        CheckConstraint("message <> ''", name="message_given"),
        CheckConstraint("due_at > requested_at", name="due_after_request"),
        CheckConstraint(
            "(status = 'answered') = (answered_at IS NOT NULL)", name="answered_when_answered"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("application_stage.id", ondelete="CASCADE"), index=True
    )
    document: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    other: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text)
    due_at: Mapped[Timestamp]
    status: Mapped[RequestStatus] = enum_column(RequestStatus, default=RequestStatus.open)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    requested_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    answered_at: Mapped[Timestamp | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL")
    )

    stage = relationship("ApplicationStage")
    organisation = relationship("Organisation")
    attachment = relationship("Attachment")
    requested_by = relationship("User", foreign_keys=[requested_by_id])


class CheckOverride(Base):
    """Staff's result for one automatic check of a stage, in place of the computed one, and why."""

    __tablename__ = "check_override"
    __table_args__ = (
        UniqueConstraint("stage_id", "check_key"),
        CheckConstraint(
            "check_key IN ('deadline', 'complete', 'documents', 'eligibility', 'budget', "
            "'confirmed')",
            name="check_known",
        ),
        CheckConstraint("reason <> ''", name="reason_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("application_stage.id", ondelete="CASCADE"), index=True
    )
    check_key: Mapped[str] = mapped_column(String(20))
    met: Mapped[bool]
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[Timestamp] = mapped_column(default=now_utc)

    stage = relationship("ApplicationStage")
    user = relationship("User")
