"""The staff list of a call's submitted applications: filters, sort, one page query (a fixed number
of queries whatever the number of rows)."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, func, select

from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    Lot,
    Organisation,
    Stage,
    StageStatus,
)
from grants.paging import Pager
from grants.rules.text import fold

PAGE_SIZE = 50


SORTS = {
    "reference": lambda: Application.number,
    "submitted": lambda: ApplicationStage.submitted_at,
    "grant": lambda: func.coalesce(ApplicationStage.requested_grant, Application.requested_grant),
    "lead": lambda: Organisation.name,
}


@dataclass(frozen=True)
class StaffFilters:
    stage: Stage
    status: StageStatus | None = None
    lot_id: int | None = None
    country: str | None = None
    text: str = ""
    sort: str = "reference"
    descending: bool = False
    page: int = 1


@dataclass(frozen=True)
class StaffPage:
    rows: list[tuple[Application, ApplicationStage, Organisation, Lot | None]]
    total: int
    page: int
    pages: int
    countries: list[str]

    @property
    def pager(self) -> Pager:
        return Pager(self.rows, self.page, self.total, PAGE_SIZE)


# submitted, or reopened by the lead after a submission: staff see the version last submitted
# (marked as such)
_SUBMITTED = ApplicationStage.submitted_at.is_not(None) | ApplicationStage.reopened_at.is_not(None)


def _submitted(call: Call, filters: StaffFilters) -> Select:
    """The call's applications submitted at the filters' stage, with their stage and lead (not
    filtered further: `_filters`)."""
    return (
        select(Application)
        .join(ApplicationStage, ApplicationStage.application_id == Application.id)
        .join(Organisation, Organisation.id == Application.lead_id)
        .where(Application.call_id == call.id, ApplicationStage.stage == filters.stage, _SUBMITTED)
    )


def _filters(filters: StaffFilters) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.status is not None:
        conditions.append(ApplicationStage.status == filters.status)
    if filters.lot_id is not None:
        conditions.append(Application.lot_id == filters.lot_id)
    if filters.country:
        conditions.append(Organisation.country == filters.country)
    if filters.text:
        # title and lead's name whatever the case and the Turkish or accented letters (folded keys)
        folded = fold(filters.text) or filters.text
        conditions.append(
            Application.title_key.contains(folded, autoescape=True)
            | Application.reference.icontains(filters.text, autoescape=True)
            | Organisation.name_key.contains(folded, autoescape=True)
        )
    return conditions


def staff_page(call: Call, filters: StaffFilters) -> StaffPage:
    """One page of the call's submitted applications: the lead countries of the stage's
    applications and how many the filters keep in one query (one scan of the call's applications,
    not two), then the page's rows."""
    conditions = _filters(filters)
    counted = func.count(Application.id)
    per_country = db.session.execute(
        _submitted(call, filters)
        .with_only_columns(
            Organisation.country, counted.filter(and_(*conditions)) if conditions else counted
        )
        .group_by(Organisation.country)
        .order_by(Organisation.country)
    ).all()
    countries = [country for country, _n in per_country]
    total = sum(n for _country, n in per_country)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    key = SORTS.get(filters.sort, SORTS["reference"])()
    order = [key.desc() if filters.descending else key.asc(), Application.id]
    rows = db.session.execute(
        _submitted(call, filters)
        .where(*conditions)
        .outerjoin(Lot, Lot.id == Application.lot_id)
        .with_only_columns(Application, ApplicationStage, Organisation, Lot)
        .order_by(*order)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return StaffPage([tuple(r) for r in rows], total, page, pages, countries)
