"""Reports on a grant for the tests of reporting and payments: opened, written and sent through
the real services (grants.reporting.services)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from grants.extensions import db
from grants.models import Grant, GrantIndicator, GrantReport, User
from grants.reporting.queries import due_dates
from grants.reporting.services import ReportInput, open_report, save_report, submit_report
from grants.rules.grant_status import ReportKind

D = Decimal
SENT = datetime(2029, 3, 1, 9, tzinfo=UTC)


def lead_of(grant: Grant) -> User:
    """The lead's member who signed the contract (tests.factories.grants.make_grant)."""
    return db.session.get(User, grant.signed_by_id)


def written_report(
    grant: Grant,
    kind: str = "final",
    period: int | None = None,
    actuals: list[Decimal] | None = None,
    indirect: Decimal = D("7000.00"),
    contingency: Decimal = D("0.00"),
    achieved: Decimal | None = D("10"),
    submit: bool = True,
) -> GrantReport:
    """A report of `kind` (the final one by default: period the last) with the actual cost of
    each budget line (`actuals`, in order; the contract amounts by default), sent to staff unless
    `submit` is False."""
    lead = lead_of(grant)
    if period is None:
        period = max(r.period for r in _due(grant)) if kind == "final" else 1
    report = open_report(grant, ReportKind(kind), period, lead.id)
    lines = report.lines
    values = actuals if actuals is not None else [line.budget_line.amount for line in lines]
    data = ReportInput(
        "Workshops held in both towns.",
        indirect,
        contingency,
        {line.id: value for line, value in zip(lines, values)},
        {row.id: (achieved, "") for row in report.indicators},
    )
    save_report(report, data, report.version, lead.id)
    if submit:
        submit_report(report, lead.id, SENT)
    db.session.flush()
    return report


def _due(grant: Grant):
    return due_dates(grant)


def add_indicators(grant: Grant, count: int) -> None:
    """`count` indicators on the grant (as the contract carries them from the logical framework)."""
    for n in range(count):
        grant.indicators.append(
            GrantIndicator(
                position=len(grant.indicators),
                result="Closer ties between the towns.",
                description=f"Joint events held ({n + 1})",
                unit="events",
                baseline=D("0"),
                target=D("12"),
            )
        )
    db.session.flush()


def accept_all(report: GrantReport, **changes: Decimal) -> dict[int, tuple[Decimal, str]]:
    """Reviews accepting every line in full, but the positions given (`line0=D(...)`) with a
    reason."""
    reviews = {}
    for index, line in enumerate(report.lines):
        accepted = changes.get(f"line{index}", line.actual)
        reviews[line.id] = (accepted, "" if accepted == line.actual else "No invoice.")
    return reviews
