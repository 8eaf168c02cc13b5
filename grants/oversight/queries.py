"""Reads of the oversight page and the grant statements.

Money per group (call, lot, the lead's province, partner country) is summed by the database, one
GROUP BY per grouping; what is due is worked out from one read of the running grants, one of their
reports sent, one of their approved reports and one of their payments: the reports by
grants.rules.grant_oversight, the payments by the payments page's own schedule
(grants.rules.payment_schedule through grants.payments.queries), so that both say the same. The
number of queries does not grow with the number of grants.

Chosen (docs/domain.md 7 leaves it open): a grant counts as *contracted* from its entry into force
(in force, closed or terminated), for its maximum grant; *still to pay* is its final amount (the
maximum grant before there is one) less what was paid, never below zero, and nothing once closed
(grants.rules.grant_oversight.still_to_pay, and the same sum in SQL here);
*recovered* is what the beneficiary paid back; *absorption* is paid / contracted.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Text, case, cast, func, literal, select
from sqlalchemy.orm import aliased, defer

from grants.extensions import db
from grants.models import (
    Application,
    Call,
    Grant,
    GrantReport,
    Lot,
    Organisation,
    Partner,
)
from grants.payments.queries import MOVING, approved_reports, ledger, local_day, movements_of
from grants.rules.grant_oversight import (
    Due,
    GrantFacts,
    due_reports,
    payment_due,
    state,
    still_to_pay,
)
from grants.rules.grant_status import (
    GrantStatus,
    ReportStatus,
)
from grants.rules.grant_terms import GrantTerms, terms_of
from grants.rules.payment_schedule import schedule as schedule_of

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


def _rows(query, key, label) -> list[Row]:
    return [
        Row(
            key=str(key(r)),
            label=label(r),
            currency=r.currency,
            grants=r.grants,
            contracted=_money(r.contracted),
            paid=_money(r.paid),
            to_pay=_money(r.to_pay),
            recovered=_money(r.recovered),
        )
        for r in db.session.execute(query)
    ]


def _where(query, call_id: int | None):
    query = query.where(Grant.status.in_(CONTRACTED))
    return query if call_id is None else query.where(Grant.call_id == call_id)


def by_call(call_id: int | None = None) -> list[Row]:
    query = _where(
        select(Call.id, Call.reference, Call.title, *_measures())
        .select_from(Grant)
        .join(Call, Call.id == Grant.call_id)
        .group_by(Call.id, Call.reference, Call.title, Call.currency)
        .order_by(Call.reference),
        call_id,
    )
    return _rows(query, lambda r: r.id, lambda r: f"{r.reference} – {r.title}")


def by_lot(call_id: int | None = None) -> list[Row]:
    query = _where(
        select(Call.reference, Lot.id, Lot.code, Lot.name, *_measures())
        .select_from(Grant)
        .join(Call, Call.id == Grant.call_id)
        .join(Application, Application.id == Grant.application_id)
        .outerjoin(Lot, Lot.id == Application.lot_id)
        .group_by(Call.reference, Lot.id, Lot.code, Lot.name, Call.currency)
        .order_by(Call.reference, Lot.code),
        call_id,
    )
    return _rows(
        query,
        lambda r: r.id or "",
        lambda r: (
            f"{r.reference} {r.code} – {r.name}" if r.id else r.reference
        ),  # a call without lots
    )


def by_province(call_id: int | None = None) -> list[Row]:
    """Per province (region) of the lead organisation, with its country."""
    query = _where(
        select(Lead.country, Lead.region, *_measures())
        .select_from(Grant)
        .join(Call, Call.id == Grant.call_id)
        .join(Application, Application.id == Grant.application_id)
        .join(Lead, Lead.id == Application.lead_id)
        .group_by(Lead.country, Lead.region, Call.currency)
        .order_by(Lead.country, Lead.region),
        call_id,
    )
    return _rows(query, lambda r: f"{r.country}:{r.region}", lambda r: r.region or "–")


def by_partner_country(call_id: int | None = None) -> list[Row]:
    """Per country of the partners: a grant counts once in each country one of its partners is
    from (so the rows add up to more than the total where grants have partners of several)."""
    countries = (
        select(Partner.application_id, Organisation.country)
        .join(Organisation, Organisation.id == Partner.organisation_id)
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


def total(rows: list[Row]) -> Row:
    out = Row("", "", rows[0].currency if rows else "EUR")
    for row in rows:
        out.grants += row.grants
        out.contracted += row.contracted
        out.paid += row.paid
        out.to_pay += row.to_pay
        out.recovered += row.recovered
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

    def count(self, call_id: int, what: str) -> int:
        """what: 'reports_due', 'reports_overdue', 'payments_due', 'payments_overdue'."""
        return self.counts.get((call_id, what), 0)


def dues(now: datetime, call_id: int | None = None) -> Dues:
    """The reports and payments due or overdue at `now` (each grant's day in its call's zone) on
    the grants in force, and the balances and recoveries of terminated ones: the payments as the
    grant's payments page schedules them (grants.payments.queries), read as plainly as the rules
    need them (the calls once, the terms once per distinct set)."""
    scope = (
        Grant.status.in_(MOVING),
        Grant.start_date.is_not(None),
        *(() if call_id is None else (Grant.call_id == call_id,)),
    )
    ids = select(Grant.id).where(*scope)
    calls = db.session.scalars(select(Call).where(Call.id.in_(select(Grant.call_id).where(*scope))))
    calls = {call.id: call for call in calls}  # each grant's `call` comes from the session
    grants = db.session.execute(
        select(Grant, cast(Grant.terms, Text))
        .where(*scope)
        .options(defer(Grant.terms))
        .order_by(Grant.call_id, Grant.sequence)
    ).all()
    sent, payments, approved = _sent(ids, bool(grants)), {}, {}
    if grants:
        payments, approved = movements_of(ids), approved_reports(ids)
    out = Dues()
    terms: dict[str, GrantTerms] = {}
    for grant, terms_text in grants:
        if terms_text not in terms:
            terms[terms_text] = terms_of(json.loads(terms_text))
        today = local_day(grant, now)
        found: list[tuple[Due, str]] = []
        if grant.status is GrantStatus.in_force:
            facts = GrantFacts(
                scheme=grant.scheme,
                terms=terms[terms_text],
                start=grant.start_date,
                months=grant.months,
                end=grant.end_date,
                sent_reports=frozenset(sent.get(grant.id, ())),
            )
            found += [
                (item, when)
                for item in due_reports(facts)
                if (when := state(item, today)) is not None
            ]
        plan = ledger(
            grant, payments.get(grant.id, []), approved.get(grant.id, []), terms[terms_text]
        )
        found += [due for item in schedule_of(plan, today) if (due := payment_due(item))]
        currency = calls[grant.call_id].currency
        for item, when in found:
            out.items.append(DueItem(grant.id, grant.number, grant.call_id, currency, item, when))
            family = "reports" if item.what.endswith("_report") else "payments"
            out.counts[(grant.call_id, f"{family}_{when}")] += 1
    out.items.sort(key=lambda d: (d.state != "overdue", d.item.due_on or date.min, d.number))
    return out


def _sent(ids, any_grant: bool) -> dict[int, set[tuple[str, int]]]:
    """Per grant (`ids`: a SELECT of the grants' ids), the reports sent (submitted or approved):
    one query, none without grants."""
    sent: dict[int, set] = defaultdict(set)
    if any_grant:
        for grant_id, kind, period in db.session.execute(
            select(GrantReport.grant_id, GrantReport.kind, GrantReport.period).where(
                GrantReport.grant_id.in_(ids),
                GrantReport.status.in_((ReportStatus.submitted, ReportStatus.approved)),
            )
        ):
            sent[grant_id].add((kind.value, period))
    return sent


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
