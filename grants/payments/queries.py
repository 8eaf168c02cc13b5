"""Reads of grant payments: a grant's schedule (grants.rules.payment_schedule) from its contract,
its payments and its approved reports; the staff overview of what is due across grants (read from
what grants.payments.dues keeps), and of the payments waiting for an authorisation. Each read
costs a fixed number of queries, however many grants and payments there are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from grants.extensions import db
from grants.models import (
    Application,
    Call,
    Grant,
    GrantDue,
    GrantPayment,
    GrantReport,
    GrantReportLine,
    Organisation,
)
from grants.paging import Pager
from grants.payments.dues_read import clock
from grants.rules.grant_status import GrantStatus, PaymentStatus, ReportKind, ReportStatus
from grants.rules.grant_terms import GrantTerms, grant_rate, reporting_periods
from grants.rules.payment_schedule import (
    Item,
    ItemKind,
    ItemStatus,
    Ledger,
    Movement,
    accepted_costs,
)
from grants.rules.payment_schedule import (
    schedule as schedule_of,
)

ZERO = Decimal("0.00")
NOMINAL_START = date(2000, 1, 1)  # the periods of a contract not in force: only their lengths count
# the grants money moves on: in force, or terminated (its recovery)
MOVING = (GrantStatus.in_force, GrantStatus.terminated)
MOVING_NOW = (Grant.status.in_(MOVING),)


@dataclass(frozen=True)
class Approved:
    """An approved report as the schedule reads it."""

    grant_id: int
    kind: ReportKind
    period: int
    approved_at: datetime
    direct: Decimal
    indirect: Decimal
    contingency: Decimal


def _day(moment: datetime | None, zone: str) -> date | None:
    return None if moment is None else moment.astimezone(ZoneInfo(zone)).date()


def local_day(grant: Grant, now: datetime) -> date:
    """The day it is at `now` where the grant's call is (its zone)."""
    return now.astimezone(ZoneInfo(grant.call.timezone)).date()


def in_force_on(grant: Grant) -> date | None:
    """The day the contract came into force: its countersignature's day, in the call's zone."""
    if grant.status in (GrantStatus.draft, GrantStatus.sent, GrantStatus.signed):
        return None
    return _day(grant.countersigned_at, grant.call.timezone)


def _among(grant_ids: Iterable[int] | Select):
    """The grants' ids as a list, or a SELECT of them kept as it is (thousands of grants: one
    subquery rather than thousands of parameters); None when there are none."""
    if isinstance(grant_ids, Select):
        return grant_ids
    return list(grant_ids) or None


def approved_reports(
    grant_ids: Iterable[int] | Select, session: Session | None = None
) -> dict[int, list[Approved]]:
    """The approved reports of the grants (ids, or a SELECT of them), with the direct costs accepted
    on each (one query; on `session`, else the app's)."""
    ids = _among(grant_ids)
    if ids is None:
        return {}
    accepted = func.coalesce(func.sum(GrantReportLine.accepted), 0)
    report = (
        GrantReport.id,
        GrantReport.grant_id,
        GrantReport.kind,
        GrantReport.period,
        GrantReport.reviewed_at,
        GrantReport.reported_indirect,
        GrantReport.reported_contingency,
    )
    rows = (
        (session or db.session)
        .execute(
            select(*report, accepted)
            .outerjoin(GrantReportLine, GrantReportLine.report_id == GrantReport.id)
            .where(GrantReport.grant_id.in_(ids), GrantReport.status == ReportStatus.approved)
            .group_by(*report)
            .order_by(GrantReport.id)
        )
        .all()
    )
    found: dict[int, list[Approved]] = {}
    for _id, grant_id, kind, period, at, indirect, contingency, direct in rows:
        found.setdefault(grant_id, []).append(
            Approved(grant_id, kind, period, at, Decimal(direct), indirect, contingency)
        )
    return found


def payments_of(grant_ids: Iterable[int]) -> dict[int, list[GrantPayment]]:
    """The payments of the grants, oldest first, with who recorded and authorised them."""
    ids = list(grant_ids)
    if not ids:
        return {}
    found: dict[int, list[GrantPayment]] = {}
    for payment in db.session.scalars(
        select(GrantPayment)
        .where(GrantPayment.grant_id.in_(ids))
        .options(joinedload(GrantPayment.recorded_by), joinedload(GrantPayment.authorised_by))
        .order_by(GrantPayment.id)
    ):
        found.setdefault(payment.grant_id, []).append(payment)
    return found


def movements_of(grant_ids: Select | list[int], session: Session | None = None) -> dict[int, list]:
    """What the schedule reads of the payments of the grants (a SELECT of their ids, or the ids):
    kind, period, amount and status, as plain rows (one query; on `session`, else the app's)."""
    found: dict[int, list] = {}
    for row in (session or db.session).execute(
        select(
            GrantPayment.grant_id,
            GrantPayment.kind,
            GrantPayment.period,
            GrantPayment.amount,
            GrantPayment.status,
        )
        .where(GrantPayment.grant_id.in_(grant_ids))
        .order_by(GrantPayment.id)
    ):
        found.setdefault(row.grant_id, []).append(row)
    return found


def ledger(
    grant: Grant, payments: list, reports: list[Approved], terms: GrantTerms | None = None
) -> Ledger:
    """What the schedule rule reads of a grant; `payments`: its GrantPayments (or rows with their
    kind, period, amount and status); `terms`: grant.grant_terms() when already read."""
    terms = terms or grant.grant_terms()
    zone = grant.call.timezone
    interim = {
        r.period: (
            _day(r.approved_at, zone) or NOMINAL_START,
            accepted_costs(
                r.direct, r.indirect, r.contingency, grant.authorised_contingency, terms
            ),
        )
        for r in reports
        if r.kind is ReportKind.interim
    }
    final = next((r for r in reports if r.kind is ReportKind.final), None)
    final_day = _day(final.approved_at, zone) if final else None
    if final_day is None and grant.final_amount is not None:
        final_day = _day(grant.terminated_at, zone)  # a termination's recovery
    return Ledger(
        max_grant=grant.max_grant,
        scheme=grant.scheme,
        periods=reporting_periods(
            grant.start_date or NOMINAL_START, grant.months, grant.scheme, terms
        ),
        in_force=in_force_on(grant),
        terms=terms,
        rate=grant_rate(grant.max_grant, grant.contract_total),
        final_amount=grant.final_amount,
        final_approved=final_day,
        movements=tuple(
            Movement(
                ItemKind(p.kind.value),
                p.period,
                p.amount,
                p.status is PaymentStatus.authorised,
            )
            for p in payments
            if p.status is not PaymentStatus.cancelled
        ),
        interim=interim,
        terminated=grant.status is GrantStatus.terminated,
    )


def schedule(grant: Grant, today: date) -> list[Item]:
    """The grant's schedule on `today` (two queries)."""
    return schedule_of(
        ledger(
            grant,
            payments_of([grant.id]).get(grant.id, []),
            approved_reports([grant.id]).get(grant.id, []),
        ),
        today,
    )


@dataclass(frozen=True)
class Payee:
    """To whom the grant is paid: the beneficiary's bank account (the lead's name until the
    contract gives one)."""

    holder: str
    iban: str
    bic: str
    bank: str


def payee(grant: Grant, lead_name: str | None = None) -> Payee:
    """`lead_name`: the lead's name when already read (else its organisation is loaded)."""
    return Payee(
        grant.account_holder or lead_name or grant.application.lead.name,
        grant.iban,
        grant.bic,
        grant.bank_name,
    )


@dataclass(frozen=True)
class GrantPayments:
    """The payments page of a grant."""

    grant: Grant
    items: list[Item]
    payments: list[GrantPayment]
    payee: Payee

    @property
    def waiting(self) -> list[GrantPayment]:
        return [p for p in self.payments if p.status is PaymentStatus.recorded]

    @property
    def still_to_pay(self) -> Decimal:
        """What may still be paid: up to the final amount, or the maximum grant before it."""
        grant = self.grant
        ceiling = grant.max_grant if grant.final_amount is None else grant.final_amount
        return max(ceiling - grant.paid_total, ZERO)


def grant_payments(grant: Grant, today: date) -> GrantPayments:
    """The payments page's read (three queries: the lead, the payments, the reports)."""
    payments = payments_of([grant.id]).get(grant.id, [])
    items = schedule_of(
        ledger(grant, payments, approved_reports([grant.id]).get(grant.id, [])), today
    )
    return GrantPayments(grant, items, payments, payee(grant))


# Across grants ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueRow:
    grant: Grant
    item: Item
    payee: Payee


def _open(now: datetime):
    """The open payments kept by grants.payments.dues on the grants money moves on, with their
    state at `now` (each grant's day in its call's zone), by due date."""
    on = clock(now)
    scope = (GrantDue.family == "payment", Grant.status.in_(MOVING))
    rows = (
        select(GrantDue, Grant, Call, Organisation.name, on.due_on, on.payment_state)
        .join(Grant, Grant.id == GrantDue.grant_id)
        .join(Call, Call.id == Grant.call_id)
        .join(Application, Application.id == Grant.application_id)
        .join(Organisation, Organisation.id == Application.lead_id)
        .where(*scope)
        .options(defer(Grant.terms))
        .order_by(on.due_on, Grant.number, Grant.id, GrantDue.position)
    )
    count = select(func.count()).select_from(GrantDue).join(Grant).where(*scope)
    return rows, count


def _due_rows(result) -> list[DueRow]:
    out = []
    for row, grant, call, lead_name, due_on, state in result:
        set_committed_value(grant, "call", call)  # read with it: no load per grant
        due_on = date.fromisoformat(due_on) if isinstance(due_on, str) else due_on  # SQLite
        item = Item(
            ItemKind(row.what),
            row.period,
            row.amount,
            row.amount,
            row.done,
            ZERO,  # nothing recorded: it would be waiting for authorisation, not open
            due_on,
            ItemStatus(state),
        )
        out.append(DueRow(grant, item, payee(grant, lead_name)))
    return out


def open_items(now: datetime) -> list[DueRow]:
    """Every instalment, balance or recovery due or overdue at `now` (each grant's day in its
    call's zone), across the grants money moves on, by due date (two queries)."""
    rows, _count = _open(now)
    return _due_rows(db.session.execute(rows))


def open_items_page(now: datetime, page: int, per_page: int) -> Pager:
    """Page `page` of open_items (three queries, whatever the number of grants)."""
    rows, count = _open(now)
    page = max(page, 1)
    items = _due_rows(db.session.execute(rows.limit(per_page).offset((page - 1) * per_page)))
    return Pager(items, page, db.session.scalar(count), per_page)


def waiting_authorisation(page: int, per_page: int):
    """A page of the payments recorded and waiting for another staff user's authorisation, oldest
    first."""
    query = (
        select(GrantPayment)
        .where(GrantPayment.status == PaymentStatus.recorded)
        .options(
            joinedload(GrantPayment.grant).joinedload(Grant.call),
            joinedload(GrantPayment.recorded_by),
        )
        .order_by(GrantPayment.recorded_at, GrantPayment.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
