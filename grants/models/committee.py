"""The evaluation committee of a call (docs/domain.md 4): its members and their declarations, the
minutes of its meetings and the members' approvals of the evaluation report."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.models.base import Base, Timestamp, enum_column, now_utc


class CommitteeRole(enum.Enum):
    chair = "chair"  # non-voting; approves the report
    secretary = "secretary"  # non-voting; keeps the minutes
    voting = "voting"  # an odd number, at least 3; each approves the report
    observer = "observer"  # attends; neither votes nor approves


class CommitteeMember(Base):
    __tablename__ = "committee_member"
    __table_args__ = (
        # a user sits once on a call's committee
        Index("uq_committee_member_call_user", "call_id", "user_id", unique=True),
        # one chair and one secretary per call
        Index(
            "uq_committee_member_one_chair",
            "call_id",
            unique=True,
            sqlite_where=text("role = 'chair'"),
            postgresql_where=text("role = 'chair'"),
        ),
        Index(
            "uq_committee_member_one_secretary",
            "call_id",
            unique=True,
            sqlite_where=text("role = 'secretary'"),
            postgresql_where=text("role = 'secretary'"),
        ),
        CheckConstraint("role IN ('chair', 'secretary', 'voting', 'observer')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[CommitteeRole] = enum_column(CommitteeRole)
    added_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    impartiality_signed_at: Mapped[Timestamp | None]

    user = relationship("User")
    approval: Mapped[CommitteeApproval | None] = relationship(
        back_populates="member", cascade="all, delete-orphan", uselist=False
    )


minutes_attendee = Table(
    "committee_minutes_attendee",
    Base.metadata,
    Column(
        "minutes_id",
        ForeignKey("committee_minutes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "member_id",
        ForeignKey("committee_member.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class CommitteeMinutes(Base):
    """The minutes of one meeting: its date, who attended (members of the committee) and what it
    decided."""

    __tablename__ = "committee_minutes"
    __table_args__ = (CheckConstraint("length(decisions) > 0", name="decisions_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    meeting_date: Mapped[date]
    decisions: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[Timestamp] = mapped_column(default=now_utc)

    recorded_by = relationship("User")
    attendees: Mapped[list[CommitteeMember]] = relationship(
        secondary=minutes_attendee, order_by=CommitteeMember.id
    )


class CommitteeApproval(Base):
    """A member's approval of the evaluation report as the ranking stood (its fingerprint,
    grants.rules.committee.ranking_fingerprint); void once the ranking differs, or once the voting
    composition changed (`voided_at`: kept, so that the member sees why they must approve
    again)."""

    __tablename__ = "committee_approval"
    __table_args__ = (CheckConstraint("length(fingerprint) = 64", name="fingerprint_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("committee_member.id", ondelete="CASCADE"), unique=True
    )
    approved_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    fingerprint: Mapped[str] = mapped_column(String(64))
    voided_at: Mapped[Timestamp | None]

    member: Mapped[CommitteeMember] = relationship(back_populates="approval")
