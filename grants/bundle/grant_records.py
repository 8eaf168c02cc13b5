"""The grants in a bundle (version 2, optional `grants`): the contract of each awarded application
with its versions and budget lines, indicators, amendments, payments and reports with their cost
lines, accepted amounts and indicator values (docs/domain.md 7). Written here (for export.py); read
back, and deleted with the call, by grant_import.py (for import_.py).

Lists are in an order that does not depend on database ids (versions by number, amendments and
payments by time, reports by period), so that an imported call exports the same bundle. A
report's cost line names its contract budget line by the version's number and the line's
position in it; a report's indicator value its indicator by position."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.bundle import formats as f
from grants.extensions import db
from grants.models import (
    Call,
    Grant,
    GrantAmendment,
    GrantBudgetLine,
    GrantPayment,
    GrantReport,
    GrantVersion,
    Organisation,
    User,
)
from grants.rules.grant_status import ReportKind

REPORT_ORDER = {ReportKind.interim: 0, ReportKind.final: 1}
Email = Callable[[int | None], str | None]  # the e-mail address a user id is exported as


def grants_of(call: Call) -> list[Grant]:
    """The call's grants by sequence, with everything of them (a fixed number of queries)."""
    return list(
        db.session.scalars(
            select(Grant)
            .where(Grant.call_id == call.id)
            .options(
                selectinload(Grant.application),
                selectinload(Grant.versions)
                .selectinload(GrantVersion.lines)
                .selectinload(GrantBudgetLine.organisation),
                selectinload(Grant.indicators),
                selectinload(Grant.amendments),
                selectinload(Grant.payments),
                selectinload(Grant.reports).selectinload(GrantReport.lines),
                selectinload(Grant.reports).selectinload(GrantReport.indicators),
            )
            .order_by(Grant.sequence)
        )
    )


def organisations(grants: list[Grant]) -> Iterator[Organisation]:
    """The organisations the grants' budget lines name (a partner an amendment added too)."""
    for grant in grants:
        for version in grant.versions:
            for line in version.lines:
                if line.organisation is not None:
                    yield line.organisation


def export_grants(call: Call, grants: list[Grant], org_key: Callable[[Organisation], str]) -> list:
    emails = _emails(grants)
    zone = call.timezone
    return [_grant(grant, zone, org_key, emails) for grant in grants]


def _emails(grants: list[Grant]) -> dict[int, str]:
    """User id -> e-mail address of every user the grants name (one query)."""
    ids = set()
    for grant in grants:
        ids |= {grant.created_by_id, grant.signed_by_id, grant.countersigned_by_id}
        ids |= {v.created_by_id for v in grant.versions}
        ids |= {a.requested_by_id for a in grant.amendments} | {
            a.decided_by_id for a in grant.amendments
        }
        ids |= {p.recorded_by_id for p in grant.payments} | {
            p.authorised_by_id for p in grant.payments
        }
        ids |= {r.submitted_by_id for r in grant.reports} | {
            r.reviewed_by_id for r in grant.reports
        }
    ids.discard(None)
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


def _sorted(value: Any) -> Any:
    """A JSON value with its objects' keys in order (the database may keep them in any)."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _grant(
    grant: Grant, zone: str, org_key: Callable[[Organisation], str], emails: dict[int, str]
) -> dict:
    def email(user_id: int | None) -> str | None:
        return None if user_id is None else emails[user_id]

    versions = sorted(grant.versions, key=lambda v: v.number)
    indicators = sorted(grant.indicators, key=lambda i: (i.position, i.id))
    amendments = sorted(grant.amendments, key=lambda a: (a.requested_at, a.id))
    payments = sorted(grant.payments, key=lambda p: (p.recorded_at, p.id))
    reports = sorted(grant.reports, key=lambda r: (r.period, REPORT_ORDER[r.kind]))
    amendment_at = {a.id: n for n, a in enumerate(amendments)}
    line_at = {
        line.id: (version.number, n)
        for version in versions
        for n, line in enumerate(sorted(version.lines, key=lambda line: (line.position, line.id)))
    }
    indicator_at = {indicator.id: n for n, indicator in enumerate(indicators)}
    return {
        "application": grant.application.reference,
        "number": grant.number,
        "sequence": grant.sequence,
        "status": grant.status.value,
        "max_grant": f.money(grant.max_grant),
        "contract_total": f.money(grant.contract_total),
        "months": grant.months,
        "scheme": grant.scheme.value,
        "terms": _sorted(grant.terms),
        "set_start": _day(grant.set_start),
        "start_date": _day(grant.start_date),
        "end_date": _day(grant.end_date),
        "bank_account": {
            "holder": grant.account_holder,
            "iban": grant.iban,
            "bic": grant.bic,
            "bank_name": grant.bank_name,
        },
        "prefinancing_ceiling": f.money(grant.prefinancing_ceiling),
        "prefinancing_paid": f.money(grant.prefinancing_paid),
        "paid_total": f.money(grant.paid_total),
        "recovered_total": f.money(grant.recovered_total),
        "authorised_contingency": f.money(grant.authorised_contingency),
        "final_amount": f.money(grant.final_amount),
        "created_by": email(grant.created_by_id),
        "created_at": f.time(grant.created_at, zone),
        "sent_at": f.time(grant.sent_at, zone),
        "signed_by": email(grant.signed_by_id),
        "signed_at": f.time(grant.signed_at, zone),
        "countersigned_by": email(grant.countersigned_by_id),
        "countersigned_at": f.time(grant.countersigned_at, zone),
        "closed_at": f.time(grant.closed_at, zone),
        "terminated_at": f.time(grant.terminated_at, zone),
        "termination_reason": grant.termination_reason,
        "versions": [_version(v, zone, email, org_key, amendment_at) for v in versions],
        "indicators": [
            {
                "result": i.result,
                "description": i.description,
                "unit": i.unit,
                "baseline": f.money(i.baseline),
                "target": f.money(i.target),
            }
            for i in indicators
        ],
        "amendments": [_amendment(a, zone, email) for a in amendments],
        "payments": [_payment(p, zone, email) for p in payments],
        "reports": [_report(r, zone, email, line_at, indicator_at) for r in reports],
    }


def _version(
    v: GrantVersion,
    zone: str,
    email: Email,
    org_key: Callable[[Organisation], str],
    amendment_at: dict[int, int],
) -> dict:
    return {
        "number": v.number,
        "max_grant": f.money(v.max_grant),
        "contract_total": f.money(v.contract_total),
        "indirect": f.money(v.indirect),
        "contingency": f.money(v.contingency),
        "months": v.months,
        "end_date": _day(v.end_date),
        "amendment": amendment_at.get(v.amendment_id),
        "created_by": email(v.created_by_id),
        "created_at": f.time(v.created_at, zone),
        "lines": [
            {
                "heading": line.heading,
                "description": line.description,
                "amount": f.money(line.amount),
                "organisation": org_key(line.organisation) if line.organisation else None,
            }
            for line in sorted(v.lines, key=lambda line: (line.position, line.id))
        ],
    }


def _amendment(a: GrantAmendment, zone: str, email: Email) -> dict:
    return {
        "kind": a.kind.value,
        "status": a.status.value,
        "justification": a.justification,
        "details": _sorted(a.details or {}),
        "requested_by": email(a.requested_by_id),
        "requested_at": f.time(a.requested_at, zone),
        "decided_by": email(a.decided_by_id),
        "decided_at": f.time(a.decided_at, zone),
        "decision_reason": a.decision_reason,
    }


def _payment(p: GrantPayment, zone: str, email: Email) -> dict:
    return {
        "kind": p.kind.value,
        "status": p.status.value,
        "period": p.period,
        "amount": f.money(p.amount),
        "value_date": _day(p.value_date),
        "reference": p.reference,
        "note": p.note,
        "recorded_by": email(p.recorded_by_id),
        "recorded_at": f.time(p.recorded_at, zone),
        "authorised_by": email(p.authorised_by_id),
        "authorised_at": f.time(p.authorised_at, zone),
    }


def _report(
    report: GrantReport,
    zone: str,
    email: Callable[[int | None], str | None],
    line_at: dict[int, tuple[int, int]],
    indicator_at: dict[int, int],
) -> dict:
    lines = sorted(report.lines, key=lambda line: line_at[line.budget_line_id])
    indicators = sorted(report.indicators, key=lambda i: indicator_at[i.indicator_id])
    return {
        "kind": report.kind.value,
        "period": report.period,
        "status": report.status.value,
        "due_on": _day(report.due_on),
        "activities": report.activities,
        "reported_indirect": f.money(report.reported_indirect),
        "reported_contingency": f.money(report.reported_contingency),
        "verification_name": report.verification_name,
        "submitted_by": email(report.submitted_by_id),
        "submitted_at": f.time(report.submitted_at, zone),
        "reviewed_by": email(report.reviewed_by_id),
        "reviewed_at": f.time(report.reviewed_at, zone),
        "comments": report.comments,
        "lines": [
            {
                "version": line_at[line.budget_line_id][0],
                "line": line_at[line.budget_line_id][1],
                "actual": f.money(line.actual),
                "accepted": f.money(line.accepted),
                "set_aside_reason": line.set_aside_reason,
            }
            for line in lines
        ],
        "indicators": [
            {
                "indicator": indicator_at[i.indicator_id],
                "achieved": f.money(i.achieved),
                "comment": i.comment,
            }
            for i in indicators
        ],
    }
