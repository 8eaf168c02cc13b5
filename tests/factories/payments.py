"""Grant payments and reports as the payments tests need them: an approved report with accepted
costs (what the reporting pages will write), and payments recorded the way the service records
them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from grants.extensions import db
from grants.models import Grant, GrantPayment, GrantReport, GrantReportLine
from grants.rules.grant_status import PaymentKind, ReportKind, ReportStatus


def approved_report(
    grant: Grant,
    accepted: Decimal,
    approved_at: datetime,
    kind: str = "interim",
    period: int = 1,
    indirect: Decimal = Decimal("0.00"),
) -> GrantReport:
    """A report of `grant` approved at `approved_at`, whose first budget line's costs were
    accepted as `accepted`."""
    line = grant.versions[0].lines[0]
    report = GrantReport(
        grant_id=grant.id,
        kind=ReportKind(kind),
        period=period,
        status=ReportStatus.approved,
        due_on=approved_at.date(),
        reported_indirect=indirect,
        reviewed_at=approved_at,
    )
    report.lines.append(GrantReportLine(budget_line_id=line.id, actual=accepted, accepted=accepted))
    db.session.add(report)
    db.session.flush()
    return report


def recorded_payment(
    grant: Grant,
    amount: Decimal,
    recorded_by_id: int,
    kind: str = "prefinancing",
    period: int | None = 1,
    value_date: date = date(2027, 1, 20),
) -> GrantPayment:
    """A payment recorded and waiting for authorisation, written directly (without the service's
    checks of what is left: the database's CHECKs are what decides at authorisation)."""
    payment = GrantPayment(
        grant_id=grant.id,
        kind=PaymentKind(kind),
        period=period if kind == "prefinancing" else None,
        amount=amount,
        value_date=value_date,
        recorded_by_id=recorded_by_id,
    )
    db.session.add(payment)
    db.session.flush()
    return payment
