"""Report commands (docs/domain.md 7, Reports and Final amount): the lead opens, writes, and sends
a report; staff return it with comments or approve it, accepting its costs line by line; the final
report's approval settles the grant (`settle`: the final amount, the balance, the closing of a
grant with nothing left to pay or recover).

Statuses move through grants.status.move_grant_object only; a save is refused when the report
changed since the page was loaded (its `version`, bumped by a conditional UPDATE)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import url_for
from sqlalchemy import update
from werkzeug.datastructures import FileStorage

from grants import mail, storage
from grants.audit import record
from grants.auth.queries import acting_members, staff_members
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.jobs import defer
from grants.models import Grant, GrantReport, GrantReportIndicator, GrantReportLine
from grants.payments.services import settle_if_done
from grants.reporting.queries import due_dates, final_amount, upload_dir
from grants.rules import grant_closure
from grants.rules.grant_payments import needs_verification
from grants.rules.grant_reports import ReviewedLine, review_issues, submission_blockers
from grants.rules.grant_status import RUNNING, ReportKind, ReportStatus
from grants.rules.problems import N_, Issue, Refused
from grants.status import move_grant_object

ZERO = Decimal("0.00")
EDITABLE = frozenset({ReportStatus.draft, ReportStatus.returned})


class ReportRefused(Refused):
    """A report command that cannot be done as asked."""


@dataclass(frozen=True)
class ReportInput:
    """What the lead typed: the narrative, the costs per report line id, the achieved value and
    comment per report indicator id."""

    activities: str
    indirect: Decimal
    contingency: Decimal
    actuals: dict[int, Decimal] = field(default_factory=dict)
    achieved: dict[int, tuple[Decimal | None, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Settlement:
    grant: Grant
    result: grant_closure.FinalAmount
    balance: grant_closure.Balance
    closed: bool


def _running(grant: Grant) -> None:
    if grant.status not in RUNNING:
        raise ReportRefused(N_("Reports are sent on a grant in force only."))


def open_report(grant: Grant, kind: ReportKind, period: int, user_id: int | None) -> GrantReport:
    """The report of this kind and period (the one already opened, or a new draft with a line per
    budget line of the current contract version and a row per indicator)."""
    _running(grant)
    due = next((d for d in due_dates(grant) if d.kind == kind.value and d.period == period), None)
    if due is None:
        raise ReportRefused(N_("The contract asks for no such report."))
    existing = next((r for r in grant.reports if r.kind is kind and r.period == period), None)
    if existing is not None:
        return existing
    report = GrantReport(
        kind=kind,
        period=period,
        due_on=due.due_on,
        lines=[GrantReportLine(budget_line_id=b.id, actual=ZERO) for b in grant.current.lines],
        indicators=[GrantReportIndicator(indicator_id=i.id) for i in grant.indicators],
    )
    grant.reports.append(report)
    db.session.flush()
    record(
        "report.opened",
        report,
        None,
        {"kind": kind, "period": period, "due_on": due.due_on, "status": report.status},
        user_id,
    )
    return report


def _bump(report: GrantReport, loaded_version: int | None) -> None:
    """Take the report's next version if it is still the one the page was loaded with."""
    stale = ReportRefused(
        N_(
            "Someone else saved this report after you opened it. Your changes are still in the "
            "form: check the report's current values, then save again."
        ),
        field="version",
    )
    if loaded_version is None:
        raise stale
    done = db.session.execute(
        update(GrantReport)
        .where(GrantReport.id == report.id, GrantReport.version == loaded_version)
        .values(version=GrantReport.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        raise stale
    db.session.expire(report, ["version"])


def save_report(
    report: GrantReport, data: ReportInput, loaded_version: int | None, user_id: int | None
) -> GrantReport:
    """Store what the lead typed on a draft or returned report (refused if it is with staff or
    approved, or changed since loaded)."""
    _running(report.grant)
    if report.status not in EDITABLE:
        raise ReportRefused(N_("This report was sent: it can no longer be changed."))
    for value in (data.indirect, data.contingency, *data.actuals.values()):
        if value < 0:
            raise ReportRefused(N_("An amount cannot be negative."))
    _bump(report, loaded_version)
    before = {"activities": report.activities, "indirect": report.reported_indirect}
    report.activities = data.activities
    report.reported_indirect, report.reported_contingency = data.indirect, data.contingency
    for line in report.lines:
        if line.id in data.actuals:
            line.actual = data.actuals[line.id]
    for row in report.indicators:
        if row.id in data.achieved:
            row.achieved, row.comment = data.achieved[row.id]
    db.session.flush()
    record(
        "report.saved",
        report,
        before,
        {"activities": report.activities, "indirect": report.reported_indirect},
        user_id,
    )
    return report


def verification_needed(report: GrantReport) -> bool:
    grant = report.grant
    return report.kind is ReportKind.final and needs_verification(
        grant.max_grant, grant.grant_terms()
    )


def upload_verification(report: GrantReport, file: FileStorage, max_bytes: int, user_id: int):
    """Store the auditor's expenditure verification report (a PDF) on a final report being
    written; a new one replaces the previous (removed after the commit)."""
    _running(report.grant)
    if report.status not in EDITABLE or report.kind is not ReportKind.final:
        raise ReportRefused(N_("The verification report goes with a final report being written."))
    data = storage.read_limited(file.stream, max_bytes)
    storage.check_content(data, (storage.PDF,))
    old = report.verification_file
    report.verification_file = storage.save(data, upload_dir())
    report.verification_name = storage.display_name(file.filename)
    db.session.flush()
    if old:
        defer(storage.remove, upload_dir(), old)
    record(
        "report.verification_uploaded",
        report,
        {"verification_name": None},
        {"verification_name": report.verification_name, "size": len(data)},
        user_id,
    )


def blockers(report: GrantReport) -> list[Issue]:
    """What stops the report from being sent (grants.rules.grant_reports.submission_blockers)."""
    return submission_blockers(
        report.activities,
        [line.actual for line in report.lines],
        [row.achieved for row in report.indicators],
        verification_needed(report),
        bool(report.verification_file),
    )


def submit_report(report: GrantReport, user_id: int, now: datetime) -> None:
    """Send the report to staff, unless something is missing (every blocker listed)."""
    _running(report.grant)
    if report.status not in EDITABLE:
        raise ReportRefused(N_("This report was sent already."))
    issues = blockers(report)
    if issues:
        raise ReportRefused(issues=issues)
    move_grant_object(report, ReportStatus.submitted, action="report.submitted", user_id=user_id)
    report.submitted_by_id, report.submitted_at = user_id, now
    db.session.flush()
    _tell_staff(report)


def _link(report: GrantReport) -> str:
    return url_for(
        "reporting.report", grant_id=report.grant_id, report_id=report.id, _external=True
    )


def _tell_staff(report: GrantReport) -> None:
    grant = report.grant
    for member in staff_members():
        mail.send(
            member.email,
            _l("Grant %(number)s: a report was sent", number=grant.number),
            "email/report_submitted.txt",
            locale=member.locale,
            about=grant.application_id,
            member=member,
            grant=grant,
            report=report,
            application=grant.application,
            link=_link(report),
        )


def _tell_lead(report: GrantReport, subject, template: str) -> None:
    grant = report.grant
    for member in acting_members([grant.application.lead_id]):
        mail.send(
            member.email,
            subject,
            template,
            locale=member.locale,
            about=grant.application_id,
            member=member,
            grant=grant,
            report=report,
            application=grant.application,
            link=_link(report),
        )


def _reviewed(report: GrantReport, user_id: int, now: datetime) -> None:
    if report.status is not ReportStatus.submitted:
        raise ReportRefused(N_("Only a report sent to staff can be reviewed."))
    report.reviewed_by_id, report.reviewed_at = user_id, now


def return_report(report: GrantReport, comments: str, user_id: int, now: datetime) -> None:
    """Send the report back to the lead with staff's comments (required)."""
    if not comments.strip():
        raise ReportRefused(
            N_("Say what is to be corrected: comments are required to return a report."),
            field="comments",
        )
    _reviewed(report, user_id, now)
    report.comments = comments.strip()
    move_grant_object(
        report,
        ReportStatus.returned,
        action="report.returned",
        user_id=user_id,
        after={"comments": report.comments},
    )
    db.session.flush()
    _tell_lead(
        report,
        _l("Grant %(number)s: your report was returned", number=report.grant.number),
        "email/report_returned.txt",
    )


def accept_costs(report: GrantReport, reviews: dict[int, tuple[Decimal | None, str]]) -> None:
    """Store what staff accept of each line (refused with every line's problem if one is wrong:
    nothing is stored then)."""
    if report.status is not ReportStatus.submitted:
        raise ReportRefused(N_("Only a report sent to staff can be reviewed."))
    issues = []
    for index, line in enumerate(report.lines):
        accepted, reason = reviews.get(line.id, (None, ""))
        issues += [
            Issue(f"lines-{index}-{i.field}", i.message, i.params)
            for i in review_issues(ReviewedLine(line.actual, accepted, reason))
        ]
    if issues:
        raise ReportRefused(issues=issues)
    for line in report.lines:
        accepted, reason = reviews[line.id]
        line.accepted = accepted
        line.set_aside_reason = reason.strip() if accepted < line.actual else ""
    db.session.flush()


def authorise_contingency(grant: Grant, amount: Decimal, user_id: int) -> None:
    if amount < 0:
        raise ReportRefused(N_("An amount cannot be negative."), field="contingency")
    if amount != grant.authorised_contingency:
        record(
            "grant.contingency_authorised",
            grant,
            {"authorised_contingency": grant.authorised_contingency},
            {"authorised_contingency": amount},
            user_id,
        )
        grant.authorised_contingency = amount
        db.session.flush()


def approve_report(
    report: GrantReport,
    reviews: dict[int, tuple[Decimal | None, str]],
    user_id: int,
    now: datetime,
    contingency: Decimal | None = None,
) -> Settlement | None:
    """Approve the report with the costs staff accept; the final report also settles the grant
    (the contingency staff authorised first)."""
    grant = report.grant
    _running(grant)
    accept_costs(report, reviews)
    if report.kind is ReportKind.final and contingency is not None:
        authorise_contingency(grant, contingency, user_id)
    _reviewed(report, user_id, now)
    move_grant_object(
        report,
        ReportStatus.approved,
        action="report.approved",
        user_id=user_id,
        after={"accepted": sum((line.accepted for line in report.lines), ZERO)},
    )
    db.session.flush()
    settlement = settle(grant, user_id, now) if report.kind is ReportKind.final else None
    _tell_lead(
        report,
        _l("Grant %(number)s: your report was approved", number=grant.number),
        "email/report_approved.txt",
    )
    return settlement


def settle(grant: Grant, user_id: int | None, now: datetime) -> Settlement:
    """The final amount and balance of a grant whose final report is approved, computed from its
    accepted costs (domain.md 7) and stored on the grant: the one function of the approval page and
    of `flask grants settle`. A balance of zero closes a grant in force at once; a payment due or a
    recovery waits for the payment to be recorded and authorised (grants/payments)."""
    report = next((r for r in grant.reports if r.kind is ReportKind.final), None)
    if report is None or report.status is not ReportStatus.approved:
        raise ReportRefused(N_("The grant's final report is not approved yet."))
    result = final_amount(grant, report)
    balance = grant_closure.balance(result.amount, grant.prefinancing_paid)
    old = grant.final_amount
    grant.final_amount = result.amount
    if old != result.amount:
        record(
            "grant.settled",
            grant,
            {"final_amount": old},
            {
                "final_amount": result.amount,
                "balance": balance.kind.value,
                "balance_amount": balance.amount,
            },
            user_id,
        )
    # a balance of zero: settled at once, the grant closes (the payments' one rule of "settled")
    closed = settle_if_done(grant, user_id, now)
    return Settlement(grant, result, balance, closed)
