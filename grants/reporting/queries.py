"""Reads of a grant's reports: which are due and when (overdue or not), one report with its lines
and indicator values (a fixed number of queries however many it has), the final amount as
accepted so far, and the grants of a call to settle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.extensions import db
from grants.models import Call, Grant, GrantReport, GrantReportIndicator, GrantReportLine
from grants.rules import grant_closure, grant_payments
from grants.rules.grant_reports import contract_headings, is_overdue
from grants.rules.grant_status import ReportKind, ReportStatus
from grants.rules.grant_terms import reporting_periods
from grants.settings.queries import letterhead, logo_bytes
from reports.recovery_order import RecoveryOrder, order_pdf

# PRAG's recovery orders (debit notes): the beneficiary repays within 45 days of the order
RECOVERY_DAYS = 45
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DueReport:
    """A report the contract asks for: its kind, period, due date, the report once opened, and
    whether it is overdue on the day asked."""

    kind: ReportKind
    period: int
    due_on: date
    report: GrantReport | None
    overdue: bool

    @property
    def status(self) -> ReportStatus | None:
        return self.report.status if self.report is not None else None


def due_dates(grant: Grant) -> list[grant_payments.ReportDue]:
    """The reports the contract asks for (none before the grant has its dates)."""
    if grant.start_date is None or grant.end_date is None:
        return []
    terms = grant.grant_terms()
    periods = reporting_periods(grant.start_date, grant.months, grant.scheme, terms)
    return grant_payments.reports_due(periods, grant.end_date, terms)


def schedule(grant: Grant, today: date) -> list[DueReport]:
    """Each report due on the grant, with its report if opened, overdue or not on `today`."""
    reports = {
        (r.kind, r.period): r
        for r in db.session.scalars(select(GrantReport).where(GrantReport.grant_id == grant.id))
    }
    rows = []
    for due in due_dates(grant):
        kind = ReportKind(due.kind)
        report = reports.get((kind, due.period))
        status = report.status if report is not None else None
        rows.append(
            DueReport(kind, due.period, due.due_on, report, is_overdue(due.due_on, today, status))
        )
    return rows


def report_of(grant: Grant, report_id: int) -> GrantReport | None:
    """The grant's report with its lines (and their budget lines) and indicator values (and their
    indicators), in a fixed number of queries."""
    return db.session.scalar(
        select(GrantReport)
        .where(GrantReport.id == report_id, GrantReport.grant_id == grant.id)
        .options(
            selectinload(GrantReport.lines).joinedload(GrantReportLine.budget_line),
            selectinload(GrantReport.indicators).joinedload(GrantReportIndicator.indicator),
        )
    )


def final_report(grant: Grant) -> GrantReport | None:
    return db.session.scalar(
        select(GrantReport)
        .where(GrantReport.grant_id == grant.id, GrantReport.kind == ReportKind.final)
        .options(selectinload(GrantReport.lines).joinedload(GrantReportLine.budget_line))
    )


def final_amount(grant: Grant, report: GrantReport) -> grant_closure.FinalAmount:
    """domain.md 7's final amount from what staff accepted of the report's lines (a line not
    reviewed yet counts as accepted in full), its indirect costs and contingency, the contingency
    staff authorised, and the current contract version's heading amounts."""
    lines = [
        (
            line.budget_line.heading,
            line.budget_line.amount,
            line.actual if line.accepted is None else line.accepted,
        )
        for line in report.lines
    ]
    # a heading of the contract without a reported line still has its cap
    reported = {line.budget_line_id for line in report.lines}
    version = grant.current
    if version is not None:
        lines += [(b.heading, b.amount, ZERO) for b in version.lines if b.id not in reported]
    return grant_closure.final_amount(
        contract_headings(lines),
        report.reported_indirect,
        report.reported_contingency,
        grant.authorised_contingency,
        grant.max_grant,
        grant.contract_total,
        grant.grant_terms(),
    )


def recovery_due(report: GrantReport) -> date | None:
    """The recovery order's due date: 45 days after its value date, the final report's approval
    (PRAG's debit notes are paid within 45 days)."""
    if report.reviewed_at is None:
        return None
    return report.reviewed_at.date() + timedelta(days=RECOVERY_DAYS)


def grants_to_settle(call: Call) -> list[tuple[Grant, GrantReport]]:
    """The call's grants whose final report is approved, by number."""
    return [
        (grant, report)
        for grant, report in db.session.execute(
            select(Grant, GrantReport)
            .join(GrantReport, GrantReport.grant_id == Grant.id)
            .where(
                Grant.call_id == call.id,
                GrantReport.kind == ReportKind.final,
                GrantReport.status == ReportStatus.approved,
            )
            .order_by(Grant.sequence)
        )
    ]


def upload_dir() -> str:
    """Where the verification reports are stored (the attachments' directory)."""
    return current_app.config["UPLOAD_DIR"]


def recovery_order(grant: Grant) -> RecoveryOrder | None:
    """The grant's recovery order: once its final report is approved and its final amount is below
    the pre-financing paid; None otherwise. Its number is the contract's with /RO (one final
    settlement per grant), its value date the approval's day."""
    report = final_report(grant)
    if report is None or report.status is not ReportStatus.approved or grant.final_amount is None:
        return None
    balance = grant_closure.balance(grant.final_amount, grant.prefinancing_paid)
    if balance.kind is not grant_closure.BalanceKind.recovery:
        return None
    application, lead = grant.application, grant.application.lead
    return RecoveryOrder(
        number=f"{grant.number}/RO",
        value_date=report.reviewed_at.date(),
        due_on=recovery_due(report),
        currency=grant.call.currency,
        timezone=grant.call.timezone,
        contract_number=grant.number,
        call_reference=grant.call.reference,
        application_reference=application.reference,
        title=application.title,
        beneficiary=lead.name,
        beneficiary_address=lead.address or "",
        beneficiary_country=lead.country,
        max_grant=grant.max_grant,
        final_amount=grant.final_amount,
        prefinancing_paid=grant.prefinancing_paid,
        amount=balance.amount,
        account_holder=grant.account_holder,
        iban=grant.iban,
        bic=grant.bic,
        bank_name=grant.bank_name,
        letterhead=letterhead(),
    )


def recovery_order_pdf(order: RecoveryOrder, locale: str) -> bytes:
    with force_locale(locale):
        return order_pdf(
            current_app.jinja_env, order, locale, logo_bytes(order.letterhead.logo_file)
        )
