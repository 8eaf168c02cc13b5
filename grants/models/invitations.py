"""Invitations of partner authorities that are not registered yet (docs/domain.md 3)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from grants.models.base import Base, Timestamp, now_utc


class PartnerInvitation(Base):
    """A pending organisation's place in a partnership, until its contact person registers it.

    The e-mailed link carries a signed token naming the invitation and a random nonce; only the
    nonce's hash is kept, and it is cleared once used (or replaced when the invitation is sent
    again).
    """

    __tablename__ = "partner_invitation"
    __table_args__ = (UniqueConstraint("application_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), unique=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    locale: Mapped[str] = mapped_column(String(8), default="en")
    message: Mapped[str] = mapped_column(Text, default="")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    sent_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    token_hash: Mapped[str | None] = mapped_column(String(64))
    accepted_at: Mapped[Timestamp | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    # deleted with its place in the partnership (cancelled, removed, or the draft discarded), on
    # every database
    partner = relationship(
        "Partner", backref=backref("invitation", uselist=False, cascade="all, delete-orphan")
    )
    organisation = relationship("Organisation")
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @property
    def open(self) -> bool:
        """Still waiting for the partner to register."""
        return self.accepted_at is None
