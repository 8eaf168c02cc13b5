"""Reminders sent (each once) and the users' reminder choices; the message log of an application."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from grants.models.base import Base, Timestamp, now_utc


class SentReminder(Base):
    """One reminder sent: its key (grants.rules.reminders.key) is UNIQUE, so that of two runners
    scanning at once only the first to insert it sends the e-mail (docs/domain.md 8)."""

    __tablename__ = "sent_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[Timestamp] = mapped_column(default=now_utc)


class ReminderOptOut(Base):
    """A kind of reminder the user turned off (only kinds that are not legally required)."""

    __tablename__ = "reminder_opt_out"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)


class MessageLog(Base):
    """An e-mail sent about an application: what, to whom, when, in which language. Written by
    grants.mail.send when its caller names the application; staff read all of an application's,
    each applicant member those sent to them."""

    __tablename__ = "message_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    outbox_message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(60))  # the e-mail's template, e.g. draft_reminder
    subject: Mapped[str] = mapped_column(String(300))
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str] = mapped_column(String(8))
    sent_at: Mapped[Timestamp] = mapped_column(default=now_utc)
