"""Organisations: local authorities that lead or partner in applications."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.models.base import Base, Timestamp, enum_column, now_utc
from grants.rules.eligibility import Party
from grants.rules.text import compact, fold

IDENTITY_FIELDS = (
    "name",
    "type",
    "country",
    "legal_id",
)  # what staff verified: a change asks them again


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
    # a verified organisation whose identity changed: when, and each changed field's verified and
    # new value
    identity_changed_at: Mapped[Timestamp | None]
    identity_changes: Mapped[dict[str, Any] | None]
    # staff refused the registration (told to its users), or moved its users into the organisation
    # it duplicated
    rejected_at: Mapped[Timestamp | None]
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True))
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))

    # folded copies for search and duplicate checks (grants/rules/text.py), kept up to date on every
    # write
    name_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    legal_id_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    search_key: Mapped[str] = mapped_column(
        Text, default=""
    )  # name, region and partner description

    # partner-search profile
    seeking_partner: Mapped[bool] = mapped_column(default=False)
    partner_themes: Mapped[list[str]] = mapped_column(default=list)
    partner_description: Mapped[str] = mapped_column(Text, default="")
    partner_languages: Mapped[list[str]] = mapped_column(default=list)

    members = relationship(
        "User", back_populates="organisation", foreign_keys="User.organisation_id"
    )

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def closed(self) -> bool:
        """Rejected by staff, or merged into another organisation: nobody acts for it any more."""
        return self.rejected_at is not None or self.merged_into_id is not None

    def party(self) -> Party:
        """The organisation as a party to a partnership (grants.rules.eligibility): its id as text,
        type, country."""
        return Party(key=str(self.id), type=self.type.value, country=self.country)

    def refresh_keys(self) -> None:
        self.name_key = fold(self.name)[:200]
        self.legal_id_key = compact(self.legal_id)[:64]
        self.search_key = "\n".join(
            fold(part) for part in (self.name, self.region, self.partner_description)
        )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r} {self.country}>"


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _refresh_keys(mapper, connection, org: Organisation) -> None:
    org.refresh_keys()
