"""Background work: report jobs and the e-mail outbox."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grants.models.base import Base, Timestamp, enum_column, now_utc


class JobStatus(enum.Enum):
    queued = "queued"
    running = "running"
    finished = "finished"
    failed = "failed"


class ReportJob(Base):
    __tablename__ = "report_job"
    __table_args__ = (CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rq_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    call_id: Mapped[int | None] = mapped_column(
        ForeignKey("call.id", ondelete="CASCADE"), index=True
    )
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[JobStatus] = enum_column(JobStatus, default=JobStatus.queued)
    progress: Mapped[int] = mapped_column(default=0)
    file_path: Mapped[str | None] = mapped_column(String(500))
    file_name: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    finished_at: Mapped[Timestamp | None]
    # without Redis: the worker thread that claimed the job (host:pid:token) and when it last said
    # it was alive
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[Timestamp | None]


class ExportPart(Base):
    """One chunk of a chunked export (grants/exports/parts.py): the applications it holds, which
    worker makes it and when it last said it was alive, and once done the key of its file in the
    exports space. Kept across a retry of its job, so that finished parts are not made again."""

    __tablename__ = "export_part"
    __table_args__ = (UniqueConstraint("job_id", "number", name="one_part_number_per_job"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("report_job.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    ids: Mapped[list[int]] = mapped_column(JSON)
    status: Mapped[JobStatus] = enum_column(JobStatus, default=JobStatus.queued)
    file_path: Mapped[str | None] = mapped_column(String(500))
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[Timestamp | None]


class MailStatus(enum.Enum):
    queued = "queued"
    sent = "sent"
    logged = "logged"  # no MAIL_SERVER configured: written to the log and kept here
    failed = "failed"


class OutboxMessage(Base):
    """Every e-mail the system sends, kept for the admin outbox page and for retries."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[MailStatus] = enum_column(MailStatus, default=MailStatus.queued)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Timestamp] = mapped_column(default=now_utc, index=True)
    sent_at: Mapped[Timestamp | None]
    # one attached file (e.g. a decision letter): its name for the recipient, and its key in the
    # uploads space (grants/files.py)
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_path: Mapped[str | None] = mapped_column(String(500))
