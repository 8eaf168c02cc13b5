"""Declarative base, column types and helpers shared by every model."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import JSON, DateTime, Enum, MetaData, Numeric, String
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now_utc() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on every database: SQLite keeps no offset, so it is restored on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Money = Annotated[Decimal, mapped_column(Numeric(14, 2))]
Rate = Annotated[Decimal, mapped_column(Numeric(5, 4))]
Points = Annotated[Decimal, mapped_column(Numeric(10, 4))]
Timestamp = Annotated[datetime, mapped_column(UTCDateTime())]
Str200 = Annotated[str, mapped_column(String(200))]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON, list[list[str]]: JSON}


def enum_column(enum_cls: type[enum.Enum], **kw: Any):
    """A status column stored as its lowercase value, portable across SQLite and PostgreSQL."""
    return mapped_column(
        Enum(
            enum_cls,
            native_enum=False,
            length=40,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        **kw,
    )


def render_migration_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Alembic autogenerate: write UTCDateTime as a plain timezone-aware DateTime."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
