"""Official letters: the contracting authority's letterhead and signatory, and the register of
letters sent.

`Authority` is one row (id 1) that staff edit on the letter settings page. `IssuedLetter` is the
register of outgoing letters: each letter a call sends (a decision at finalisation, an admissibility
result) gets the call's next number, keeps what it said (`content`, reports.letters.letter_to_json)
so that every later copy says exactly the same, and how the applicant was told: by e-mail to
`emailed` members, or else by post or registered e-mail, which staff record.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.models.base import Base, Timestamp, enum_column, now_utc


class Authority(Base):
    """The contracting authority as its letters present it (one row; text in English and
    Turkish)."""

    __tablename__ = "authority"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(300), default="")
    name_tr: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    logo_file: Mapped[str | None] = mapped_column(
        String(64)
    )  # in the uploads space, letterhead/; kept forever
    logo_type: Mapped[str | None] = mapped_column(String(32))
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title_en: Mapped[str] = mapped_column(String(300), default="")
    signatory_title_tr: Mapped[str] = mapped_column(String(300), default="")
    complaints_body_en: Mapped[str] = mapped_column(
        String(300), default=""
    )  # empty: the authority itself
    complaints_body_tr: Mapped[str] = mapped_column(String(300), default="")
    complaints_address: Mapped[str] = mapped_column(
        Text, default=""
    )  # empty: the authority's address
    updated_at: Mapped[Timestamp] = mapped_column(default=now_utc, onupdate=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class LetterKind(enum.Enum):
    decision = "decision"
    admissibility = "admissibility"


class IssuedLetter(Base):
    __tablename__ = "issued_letter"
    __table_args__ = (
        UniqueConstraint("call_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("emailed >= 0", name="emailed_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    number: Mapped[
        int
    ]  # per call, 1, 2, 3... in the order issued, no gaps (Call.next_letter_number)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("application_stage.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LetterKind] = enum_column(LetterKind)
    outcome: Mapped[str] = mapped_column(String(40))  # the stage's status the letter tells
    issued_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    content: Mapped[dict[str, Any]]
    emailed: Mapped[int] = mapped_column(
        default=0
    )  # members it was e-mailed to; 0: to be sent another way
    posted_at: Mapped[
        Timestamp | None
    ]  # when staff recorded sending it by post or registered e-mail
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    post_reference: Mapped[str] = mapped_column(
        String(200), default=""
    )  # e.g. the registered-mail number

    application = relationship("Application")
    posted_by = relationship("User", foreign_keys=[posted_by_id])
