"""A call's published results: the grants it awarded, as PRAG's publication of awards names them
(the beneficiary with its address and locality, its partners, the project's title and purpose, the
amount, the duration, the lot), once the call's decisions are final.

Nothing before the decisions are finalised (`Call.finalised_at`); never a reserve-list, rejected or
withdrawn application: only stages whose status is `awarded`. A fixed number of queries, however
many grants (the application, its lead and lot joined; the partners and their organisations in one
more).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    CallStatus,
    Lot,
    Organisation,
    Partner,
    PartnerStatus,
    StageStatus,
)


@dataclass(frozen=True)
class Party:
    """An organisation as the publication names it."""

    name: str
    address: str
    region: str
    country: str

    @classmethod
    def of(cls, organisation: Organisation) -> Party:
        return cls(
            organisation.name, organisation.address, organisation.region, organisation.country
        )


@dataclass(frozen=True)
class PublicAward:
    reference: str
    title: str
    purpose: str
    beneficiary: Party
    partners: list[Party]
    amount: Decimal
    duration_months: int | None
    lot: Lot | None


@dataclass(frozen=True)
class Results:
    published_at: datetime  # when the decisions were finalised: the results' publication date
    awards: list[PublicAward]

    @property
    def total(self) -> Decimal:
        return sum((award.amount for award in self.awards), Decimal("0.00"))


def results_are_public(call: Call) -> bool:
    """The results are published once the call's decisions are final."""
    return call.finalised_at is not None


DECIDED_PER_PAGE = 10


def decided_calls(page: int):
    """The calls whose decisions are final, the latest published first, one page of them (a
    Flask-SQLAlchemy Pagination; two queries, however many calls)."""
    query = (
        select(Call)
        .where(Call.finalised_at.is_not(None), Call.status != CallStatus.draft)
        .order_by(Call.finalised_at.desc(), Call.id.desc())
    )
    return db.paginate(query, page=page, per_page=DECIDED_PER_PAGE, error_out=False, count=True)


def public_results(call: Call) -> Results | None:
    """The awarded grants of a call whose decisions are final, by lot then reference; None
    before."""
    if not results_are_public(call):
        return None
    stages = db.session.scalars(
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .join(Application.lead)
        .outerjoin(Application.lot)
        .options(
            contains_eager(ApplicationStage.application).options(
                contains_eager(Application.lead),
                contains_eager(Application.lot),
                selectinload(Application.partners).selectinload(Partner.organisation),
            ),
        )
        .where(Application.call_id == call.id, ApplicationStage.status == StageStatus.awarded)
        .order_by(Lot.position, Application.number, Application.id)
    ).all()
    return Results(call.finalised_at, [_award(stage) for stage in stages])


def _award(stage: ApplicationStage) -> PublicAward:
    application = stage.application
    return PublicAward(
        reference=application.reference or "",
        title=application.title,
        purpose=application.summary,
        beneficiary=Party.of(application.lead),
        partners=[
            Party.of(partner.organisation)
            for partner in application.partners
            if partner.status is PartnerStatus.confirmed
        ],
        amount=stage.awarded_amount or Decimal("0.00"),
        duration_months=application.duration_months,
        lot=application.lot,
    )
