"""Staff approve or refuse an amendment request with a reason. Approval makes a new contract
version (number n + 1, `amendment_id` set, the budget lines copied with the change) and moves the
grant's current terms; the maximum grant never goes up (docs/domain.md 7, Amendments)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from grants.amendments.services._guards import checked_budget, in_force, lock, still_open
from grants.amendments.services.notices import tell_lead
from grants.audit import record
from grants.extensions import db
from grants.models import (
    Grant,
    GrantAmendment,
    GrantBudgetLine,
    GrantVersion,
    Partner,
    PartnerStatus,
    User,
)
from grants.rules.grant_amendments import AmendmentRefused, amended_period
from grants.rules.grant_payments import ceiling
from grants.rules.grant_status import AmendmentKind, AmendmentStatus, ReportStatus
from grants.rules.grant_terms import grant_rate
from grants.rules.problems import N_
from grants.status import move_grant_object


def refuse(grant: Grant, amendment: GrantAmendment, reason: str, user: User, now: datetime) -> None:
    lock(grant)
    still_open(amendment)
    if not reason.strip():
        raise AmendmentRefused(N_("Give the reason of the decision."), field="reason")
    amendment.decided_by_id, amendment.decided_at = user.id, now
    amendment.decision_reason = reason.strip()
    move_grant_object(
        amendment,
        AmendmentStatus.refused,
        action="grant.amendment_refused",
        user_id=user.id,
        after={"reason": amendment.decision_reason},
    )
    tell_lead(grant, amendment)


def approve(
    grant: Grant, amendment: GrantAmendment, reason: str, user: User, now: datetime
) -> GrantVersion:
    """Approve the request: a new contract version, and the grant's current terms moved."""
    lock(grant)
    still_open(amendment)
    in_force(grant)
    if not reason.strip():
        raise AmendmentRefused(N_("Give the reason of the decision."), field="reason")
    current = grant.current
    before = {"max_grant": grant.max_grant, "end_date": grant.end_date, "version": current.number}
    version = GrantVersion(
        number=current.number + 1,
        max_grant=grant.max_grant,
        contract_total=grant.contract_total,
        indirect=current.indirect,
        contingency=current.contingency,
        months=grant.months,
        end_date=grant.end_date,
        amendment_id=amendment.id,
        created_by_id=user.id,
        created_at=now,
        lines=[_copy(line) for line in current.lines],
    )
    if amendment.kind is AmendmentKind.end_date:
        new_end = date.fromisoformat(amendment.details["end_date"])
        months = amended_period(grant.start_date, grant.end_date, new_end)
        version.end_date = grant.end_date = new_end
        version.months = grant.months = months
    elif amendment.kind is AmendmentKind.budget:
        _approve_budget(grant, current, version, amendment.details)
    else:
        _approve_partner(grant, amendment.details, user, now)
    grant.versions.append(version)
    amendment.decided_by_id, amendment.decided_at = user.id, now
    amendment.decision_reason = reason.strip()
    db.session.flush()
    _repoint_reports(grant, current, version)
    move_grant_object(
        amendment,
        AmendmentStatus.approved,
        action="grant.amendment_approved",
        user_id=user.id,
        after={"reason": amendment.decision_reason, "version": version.number},
    )
    record(
        "grant.amended",
        grant,
        before,
        {"max_grant": grant.max_grant, "end_date": grant.end_date, "version": version.number},
        user.id,
    )
    tell_lead(grant, amendment)
    return version


def _repoint_reports(grant: Grant, old: GrantVersion, new: GrantVersion) -> None:
    """The cost lines of the reports not yet approved follow the new version: each names the line
    in the same position (their heading amounts, and so the caps of the final amount, are the new
    version's); approved reports keep the lines they were approved on."""
    moved = {
        line.id: new_line.id
        for line in old.lines
        for new_line in new.lines
        if new_line.position == line.position
    }
    for report in grant.reports:
        if report.status is ReportStatus.approved:
            continue
        for cost in report.lines:
            if cost.budget_line_id in moved:
                cost.budget_line_id = moved[cost.budget_line_id]
    db.session.flush()
    for report in grant.reports:
        for cost in report.lines:
            db.session.expire(cost, ["budget_line"])  # read again from its new id


def _copy(line: GrantBudgetLine) -> GrantBudgetLine:
    return GrantBudgetLine(
        position=line.position,
        heading=line.heading,
        description=line.description,
        amount=line.amount,
        organisation_id=line.organisation_id,
    )


def _approve_budget(
    grant: Grant, current: GrantVersion, version: GrantVersion, details: dict
) -> None:
    # the request names the lines of the version it was made on; a later version (another
    # amendment approved since) copies them in the same positions
    lines = {str(line.id): line for version in grant.versions for line in version.lines}
    by_position = {
        lines[i].position: Decimal(amount) for i, amount in details["lines"].items() if i in lines
    }
    if set(by_position) != {line.position for line in current.lines}:
        raise AmendmentRefused(
            N_("The contract budget changed since this request: it cannot be approved as asked.")
        )
    new = [by_position[line.position] for line in current.lines]
    indirect, contingency = Decimal(details["indirect"]), Decimal(details["contingency"])
    wanted = Decimal(details["max_grant"]) if details.get("max_grant") else None
    result = checked_budget(grant, new, indirect, contingency, wanted)
    for line, amount in zip(version.lines, new, strict=True):
        line.amount = amount
    version.indirect, version.contingency = indirect, contingency
    version.contract_total = grant.contract_total = result.total
    version.max_grant = result.max_grant
    if result.max_grant != grant.max_grant:
        new_ceiling = ceiling(result.max_grant, grant.grant_terms())
        if new_ceiling < grant.prefinancing_paid:
            raise AmendmentRefused(
                N_(
                    "The maximum grant would leave the pre-financing already paid above its "
                    "ceiling."
                ),
                field="max_grant",
            )
        grant.max_grant, grant.prefinancing_ceiling = result.max_grant, new_ceiling
    grant_rate(grant.max_grant, grant.contract_total)  # the rate stays within 0..1


def _approve_partner(grant: Grant, details: dict, user: User, now: datetime) -> None:
    application = grant.application
    if details.get("remove") is not None:
        partner = next(
            (p for p in application.partners if p.organisation_id == details["remove"]), None
        )
        if partner is None:
            raise AmendmentRefused(N_("This organisation is not a partner."), field="remove")
        record(
            "grant.partner_removed",
            partner,
            {"organisation_id": partner.organisation_id},
            None,
            user.id,
        )
        db.session.delete(partner)
        db.session.flush()
        db.session.expire(application, ["partners"])
    if details.get("add") is not None:
        if any(p.organisation_id == details["add"] for p in application.partners):
            raise AmendmentRefused(
                N_("This organisation already takes part in the grant."), field="add"
            )
        position = max((p.position for p in application.partners), default=0) + 1
        partner = Partner(
            organisation_id=details["add"],
            position=position,
            role=details.get("role", ""),
            status=PartnerStatus.confirmed,
            confirmed_at=now,
            confirmed_by_id=user.id,
            confirmed_role=details.get("role", ""),
        )
        application.partners.append(partner)
        db.session.flush()
        record("grant.partner_added", partner, None, {"organisation_id": details["add"]}, user.id)
