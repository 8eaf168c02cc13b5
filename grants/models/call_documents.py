"""What a call publishes besides its settings (domain.md 2): its documents, the clarifications
(questions and their published answers) and the corrigenda that changed it after publication."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.models.base import Base, Timestamp, enum_column, now_utc


class DocumentKind(enum.Enum):
    guidelines = "guidelines"
    declaration_template = "declaration_template"
    partnership_statement_template = "partnership_statement_template"
    contract_template = "contract_template"
    other = "other"


class CallDocument(Base):
    """A document of a call in one language: the guidelines, a template an attachment follows, the
    contract template... Stored like an attachment (random name outside static/, original name for
    display only)."""

    __tablename__ = "call_document"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_positive"),
        CheckConstraint("language IN ('en', 'tr')", name="language_known"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = enum_column(DocumentKind)
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(200), default="")  # what an "other" document is
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)  # 2, 3... after each replacement
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[Timestamp] = mapped_column(default=now_utc)

    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
    versions: Mapped[list[CallDocumentVersion]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="CallDocumentVersion.version.desc()",
    )


class CallDocumentVersion(Base):
    """An earlier version of a call document, kept when a new file replaced it: its file, who
    uploaded it and when, and when it was superseded. The current version is the document itself
    (CallDocument); these are the ones before it, numbered 1, 2... below its `version`."""

    __tablename__ = "call_document_version"
    __table_args__ = (
        UniqueConstraint("document_id", "version"),
        CheckConstraint("size >= 0", name="size_positive"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("superseded_at >= uploaded_at", name="superseded_after_upload"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("call_document.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[Timestamp]
    superseded_at: Mapped[Timestamp]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    document: Mapped[CallDocument] = relationship(back_populates="versions")
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])


class CallQuestion(Base):
    """A question a registered user asked about a call. Never answered to the asker: staff publish
    the answer on the call's FAQ with the question as they worded it (anonymous), or leave it
    unpublished."""

    __tablename__ = "call_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    asked_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    text: Mapped[str] = mapped_column(Text)  # as asked: staff only
    public_text: Mapped[str] = mapped_column(
        Text, default=""
    )  # as published, made anonymous by staff
    answer: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[Timestamp | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    asked_by = relationship("User", foreign_keys=[asked_by_id])


class Corrigendum(Base):
    """A published change to an open call: its date, its reason, a later deadline and/or a replaced
    document."""

    __tablename__ = "corrigendum"
    __table_args__ = (
        UniqueConstraint("call_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1, 2, 3... per call
    reason: Mapped[str] = mapped_column(Text)
    published_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    old_deadline: Mapped[Timestamp | None]
    new_deadline: Mapped[Timestamp | None]
    old_concept_note_deadline: Mapped[Timestamp | None]
    new_concept_note_deadline: Mapped[Timestamp | None]
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("call_document.id", ondelete="SET NULL")
    )
    document_name: Mapped[str] = mapped_column(
        String(255), default=""
    )  # the replaced file's name, kept
    replaced_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("call_document_version.id", ondelete="SET NULL")
    )  # the version it replaced, kept downloadable

    document: Mapped[CallDocument | None] = relationship()
    replaced_version: Mapped[CallDocumentVersion | None] = relationship()

    @property
    def changed_deadline(self) -> bool:
        return self.new_deadline is not None or self.new_concept_note_deadline is not None

    def moved(self) -> list[tuple[str, datetime, datetime]]:
        """(which, from, to) for each deadline it moved."""
        pairs = [
            (
                "concept_note_deadline",
                self.old_concept_note_deadline,
                self.new_concept_note_deadline,
            ),
            ("deadline", self.old_deadline, self.new_deadline),
        ]
        return [(name, old, new) for name, old, new in pairs if old is not None and new is not None]
