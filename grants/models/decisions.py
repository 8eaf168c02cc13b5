"""Staff overrides of proposed award decisions (and reserve promotions), each with its written
justification."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.models.applications import StageStatus
from grants.models.base import Base, Money, Timestamp, enum_column, now_utc


class DecisionOverride(Base):
    __tablename__ = "decision_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("application_stage.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[StageStatus] = enum_column(StageStatus)
    to_status: Mapped[StageStatus] = enum_column(StageStatus)
    from_amount: Mapped[Money | None]
    to_amount: Mapped[Money | None]
    justification: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[Timestamp] = mapped_column(default=now_utc)
    discarded_at: Mapped[
        Timestamp | None
    ]  # set when staff rank the call again and discard the overrides

    user = relationship("User")
