"""Reads of the oversight page and the grant statements.

Money per group (call, lot, the lead's province, partner country) is summed by the database in two
GROUP BYs (one by call, lot and province, rolled up here; one by partner country); what is due is
read from what grants.payments.dues keeps of each grant (the reports by
grants.rules.grant_oversight, the payments by the payments page's own schedule,
grants.rules.payment_schedule through grants.payments.queries, so that both say the same), judged
due or overdue at the reader's clock (grants.payments.dues_read). The number of queries does not
grow with the number of grants.

Chosen (docs/domain.md 7 leaves it open): a grant counts as *contracted* from its entry into force
(in force, closed or terminated), for its maximum grant; *still to pay* is its final amount (the
maximum grant before there is one) less what was paid, never below zero, and nothing once closed
(grants.rules.grant_oversight.still_to_pay, and the same sum in SQL here);
*recovered* is what the beneficiary paid back; *absorption* is paid / contracted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import aliased

from grants.extensions import db
from grants.i18n import name_order
from grants.models import (
    Application,
    Call,
    Grant,
    GrantDue,
    Lot,
    Organisation,
    Partner,
)
from grants.paging import PER_PAGE, Pager
from grants.payments.dues_read import clock
from grants.payments.queries import MOVING
from grants.rules.grant_oversight import Due, still_to_pay
from grants.rules.grant_status import GrantStatus

ZERO = Decimal("0.00")
CONTRACTED = (GrantStatus.in_force, GrantStatus.closed, GrantStatus.terminated)
Lead = aliased(Organisation, name="lead")


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


@dataclass
class Row:
    key: str
    label: str
    currency: str = "EUR"
    grants: int = 0
    contracted: Decimal = ZERO
    paid: Decimal = ZERO
    to_pay: Decimal = ZERO
    recovered: Decimal = ZERO

    @property
    def absorption(self) -> Decimal | None:
        """paid / contracted, as a fraction (None without contracted money)."""
        return (self.paid / self.contracted) if self.contracted else None


def _measures():
    owed = func.coalesce(Grant.final_amount, Grant.max_grant)
    to_pay = case(
        (
            (Grant.status != GrantStatus.closed) & (owed > Grant.paid_total),
            owed - Grant.paid_total,
        ),
        else_=literal(0),
    )
    return (
        Call.currency,
        func.count(Grant.id).label("grants"),
        func.sum(Grant.max_grant).label("contracted"),
        func.sum(Grant.paid_total).label("paid"),
        func.sum(to_pay).label("to_pay"),
        func.sum(Grant.recovered_total).label("recovered"),
    )


def _row(r, key: str, label: str) -> Row:
    return Row(
        key=key,
        label=label,
        currency=r.currency,
        grants=r.grants,
        contracted=_money(r.contracted),
        paid=_money(r.paid),
        to_pay=_money(r.to_pay),
        recovered=_money(r.recovered),
    )


def _rows(query, key, label) -> list[Row]:
    return [_row(r, str(key(r)), label(r)) for r in db.session.execute(query)]


def _where(query, call_id: int | None):
    query = query.where(Grant.status.in_(CONTRACTED))
    return query if call_id is None else query.where(Grant.call_id == call_id)


@dataclass
class Summaries:
    """The money per call, per lot and per province of the lead."""

    calls: list[Row]
    lots: list[Row]
    provinces: list[Row]


def summaries(call_id: int | None = None) -> Summaries:
    """One GROUP BY per call, lot and province of the lead (a few hundred rows at most), rolled
    up here into the three groupings: one scan of the grants instead of three (the oversight page
    spent most of its time in the database on them)."""
    query = _where(
        select(
            Call.id.label("call_id"),
            Call.reference,
            Call.title,
            Lot.id.label("lot_id"),
            Lot.code,
            Lot.name,
            Lead.country,
            Lead.region,
            *_measures(),
        )
        .select_from(Grant)
        .join(Call, Call.id == Grant.call_id)
        .join(Application, Application.id == Grant.application_id)
        .join(Lead, Lead.id == Application.lead_id)
        .outerjoin(Lot, Lot.id == Application.lot_id)
        .group_by(
            Call.id,
            Call.reference,
            Call.title,
            Call.currency,
            Lot.id,
            Lot.code,
            Lot.name,
            Lead.country,
            Lead.region,
        ),
        call_id,
    )
    calls: dict[object, Row] = {}
    lots: dict[object, Row] = {}
    provinces: dict[object, Row] = {}
    order: dict[object, tuple] = {}
    for r in db.session.execute(query):
        groups = (
            (calls, r.call_id, f"{r.reference} – {r.title}", (name_order(r.reference),)),
            (
                lots,
                (r.call_id, r.lot_id),
                f"{r.reference} {r.code} – {r.name}" if r.lot_id else r.reference,
                (name_order(r.reference), name_order(r.code)),
            ),
            (
                provinces,
                (r.country, r.region, r.currency),
                r.region or "–",
                (r.country, name_order(r.region)),
            ),
        )
        for rows, key, label, sort in groups:
            if key not in rows:
                rows[key] = Row(key="", label=label, currency=r.currency)
                order[id(rows[key])] = sort
            _add(rows[key], _row(r, "", ""))
    for key, row in calls.items():
        row.key = str(key)
    for (_call, lot), row in lots.items():
        row.key = str(lot or "")
    for (country, region, _currency), row in provinces.items():
        row.key = f"{country}:{region}"
    return Summaries(
        *(
            sorted(rows.values(), key=lambda row: order[id(row)])
            for rows in (calls, lots, provinces)
        )
    )


def by_partner_country(call_id: int | None = None) -> list[Row]:
    """Per country of the partners: a grant counts once in each country one of its partners is
    from (so the rows add up to more than the total where grants have partners of several)."""
    # the partners of the grants counted only (not of every application of the calls)
    counted = _where(select(Grant.application_id), call_id)
    countries = (
        select(Partner.application_id, Organisation.country)
        .join(Organisation, Organisation.id == Partner.organisation_id)
        .where(Partner.application_id.in_(counted))
        .distinct()
        .subquery()
    )
    query = _where(
        select(countries.c.country, *_measures())
        .select_from(Grant)
        .join(Call, Call.id == Grant.call_id)
        .join(countries, countries.c.application_id == Grant.application_id)
        .group_by(countries.c.country, Call.currency)
        .order_by(countries.c.country),
        call_id,
    )
    return _rows(query, lambda r: r.country, lambda r: r.country)


def _add(into: Row, row: Row) -> None:
    into.grants += row.grants
    into.contracted += row.contracted
    into.paid += row.paid
    into.to_pay += row.to_pay
    into.recovered += row.recovered


def total(rows: list[Row]) -> Row:
    out = Row("", "", rows[0].currency if rows else "EUR")
    for row in rows:
        _add(out, row)
    return out


# Due and overdue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    grant_id: int
    number: str
    call_id: int
    currency: str
    item: Due
    state: str  # "due" | "overdue"


@dataclass
class Dues:
    items: list[DueItem] = field(default_factory=list)
    counts: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    page: Pager | None = None  # the items' page, when one page was read

    def count(self, call_id: int, what: str) -> int:
        """what: 'reports_due', 'reports_overdue', 'payments_due', 'payments_overdue'."""
        return self.counts.get((call_id, what), 0)


def dues(
    now: datetime, call_id: int | None = None, page: int | None = None, per_page: int = PER_PAGE
) -> Dues:
    """The reports and payments due or overdue at `now` (each grant's day in its call's zone) on
    the grants in force, and the balances and recoveries of terminated ones, as kept by
    grants.payments.dues (the payments as the grant's payments page schedules them): counted per
    call by the database, the items overdue first, then by date; all of them, or page `page`
    (three queries, whatever the number of grants)."""
    on = clock(now)
    state = on.state.label("state")
    scope = (
        Grant.status.in_(MOVING),
        Grant.start_date.is_not(None),
        state.is_not(None),
        *(() if call_id is None else (Grant.call_id == call_id,)),
    )
    out = Dues()
    for call, family, when, count in db.session.execute(
        select(Grant.call_id, GrantDue.family, state, func.count())
        .select_from(GrantDue)
        .join(Grant, Grant.id == GrantDue.grant_id)
        .join(Call, Call.id == Grant.call_id)
        .where(*scope)
        .group_by(Grant.call_id, GrantDue.family, state)
    ):
        out.counts[(call, f"{family}s_{when}")] = count
    query = (
        select(GrantDue, Grant.number, Grant.call_id, Call.currency, state, on.due_on)
        .join(Grant, Grant.id == GrantDue.grant_id)
        .join(Call, Call.id == Grant.call_id)
        .where(*scope)
        .order_by(
            state != "overdue",
            on.due_on,
            Grant.number,
            Grant.call_id,
            Grant.sequence,
            GrantDue.position,
        )
    )
    if page is not None:
        page = max(page, 1)
        query = query.limit(per_page).offset((page - 1) * per_page)
    for row, number, call, currency, when, due_on in db.session.execute(query):
        left = None if row.amount is None else max(row.amount - row.done, ZERO)
        item = Due(row.what, row.period, _day(due_on), left)
        out.items.append(DueItem(row.grant_id, number, call, currency, item, when))
    if page is not None:
        out.page = Pager(out.items, page, sum(out.counts.values()), per_page)
    return out


def _day(value) -> date | None:
    """A date as the database gives it back (SQLite: a computed one as text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


# Grant statements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One grant's line of the call's grant statements."""

    number: str
    beneficiary: str
    partners: str
    lot: str
    status: GrantStatus
    start: date | None
    end: date | None
    max_grant: Decimal
    final_amount: Decimal | None
    paid: Decimal
    recovered: Decimal
    to_pay: Decimal  # still to pay to the beneficiary
    to_recover: Decimal  # still to recover from it


def statements(call_id: int) -> list[Statement]:
    """Every contract of the call, in number order: two queries whatever their number."""
    rows = db.session.execute(
        select(
            Grant.number,
            Grant.application_id,
            Grant.status,
            Grant.start_date,
            Grant.end_date,
            Grant.max_grant,
            Grant.final_amount,
            Grant.paid_total,
            Grant.recovered_total,
            Lead.name.label("lead"),
            Lot.code.label("lot"),
        )
        .join(Application, Application.id == Grant.application_id)
        .join(Lead, Lead.id == Application.lead_id)
        .outerjoin(Lot, Lot.id == Application.lot_id)
        .where(Grant.call_id == call_id)
        .order_by(Grant.sequence)
    ).all()
    partners: dict[int, list[str]] = defaultdict(list)
    for application_id, name in db.session.execute(
        select(Partner.application_id, Organisation.name)
        .join(Organisation, Organisation.id == Partner.organisation_id)
        .join(Grant, Grant.application_id == Partner.application_id)
        .where(Grant.call_id == call_id)
        .order_by(Partner.application_id, Partner.position)
    ):
        partners[application_id].append(name)
    out = []
    for r in rows:
        owes_back = (
            max(r.paid_total - r.recovered_total - r.final_amount, ZERO)
            if r.final_amount is not None
            else ZERO
        )
        out.append(
            Statement(
                number=r.number,
                beneficiary=r.lead,
                partners=", ".join(partners.get(r.application_id, ())),
                lot=r.lot or "",
                status=r.status,
                start=r.start_date,
                end=r.end_date,
                max_grant=r.max_grant,
                final_amount=r.final_amount,
                paid=r.paid_total,
                recovered=r.recovered_total,
                to_pay=still_to_pay(r.status, r.max_grant, r.final_amount, r.paid_total),
                to_recover=owes_back,
            )
        )
    return out
