"""Organisations: local authorities that lead or partner in applications."""
from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.models.base import Base, Timestamp, enum_column, now_utc


class OrganisationType(enum.Enum):
    municipality = "municipality"
    metropolitan_municipality = "metropolitan_municipality"
    special_provincial_administration = "special_provincial_administration"
    union_of_municipalities = "union_of_municipalities"
    governorate = "governorate"
    district_governorate = "district_governorate"
    local_authority = "local_authority"
    regional_authority = "regional_authority"
    association_of_local_authorities = "association_of_local_authorities"


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("population IS NULL OR population >= 0", name="population_positive"),
        CheckConstraint("length(country) = 2", name="country_alpha2"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)  # bundle key
    name: Mapped[str] = mapped_column(String(200), index=True)
    type: Mapped[OrganisationType] = enum_column(OrganisationType)
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str] = mapped_column(String(120), default="")
    population: Mapped[int | None]
    legal_id: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Timestamp] = mapped_column(default=now_utc)
    verified_at: Mapped[Timestamp | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True))

    # partner-search profile
    seeking_partner: Mapped[bool] = mapped_column(default=False)
    partner_themes: Mapped[list[str]] = mapped_column(default=list)
    partner_description: Mapped[str] = mapped_column(Text, default="")
    partner_languages: Mapped[list[str]] = mapped_column(default=list)

    members = relationship("User", back_populates="organisation", foreign_keys="User.organisation_id")

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r} {self.country}>"
