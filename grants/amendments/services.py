"""Amendment and termination commands (docs/domain.md 7, Amendments).

The lead's members request an amendment (a later end date, a budget change beyond the flexibility,
a partner change) with a justification, or withdraw their request; staff approve or refuse it with
a reason. Approval makes a new contract version (number n + 1, `amendment_id` set, the budget lines
copied with the change) and moves the grant's current terms; the maximum grant never goes up. Staff
terminate a grant in force with a reason: the pre-financing not covered by the accepted costs of its
approved reports is to be recovered, and the grant's final amount becomes what it keeps.

Every request and decision is made with the grant's row locked, so two requests of one kind, or two
decisions of one request, sent at once cannot both pass.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import url_for
from sqlalchemy import select

from grants import mail
from grants.amendments.queries import grant_staff, lead_members, open_kinds, recovery_of
from grants.audit import record
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Grant,
    GrantAmendment,
    GrantBudgetLine,
    GrantVersion,
    Organisation,
    Partner,
    PartnerStatus,
    User,
)
from grants.rules.grant_amendments import AmendmentRefused, amended_budget, amended_period
from grants.rules.grant_payments import ceiling
from grants.rules.grant_status import AmendmentKind, AmendmentStatus, GrantStatus, ReportStatus
from grants.rules.grant_terms import grant_rate
from grants.rules.problems import N_
from grants.status import move_grant_object

ZERO = Decimal("0.00")


def _lock(grant: Grant) -> None:
    db.session.scalar(select(Grant.id).where(Grant.id == grant.id).with_for_update())
    db.session.refresh(grant, ["status", "max_grant", "paid_total", "prefinancing_paid"])


def _in_force(grant: Grant) -> None:
    if grant.status is not GrantStatus.in_force:
        raise AmendmentRefused(N_("Only a grant in force can be amended or terminated."))


# Requests ----------------------------------------------------------------------------------------


def _request(
    grant: Grant, kind: AmendmentKind, justification: str, details: dict, user: User, now: datetime
) -> GrantAmendment:
    if kind in open_kinds(grant.id):
        raise AmendmentRefused(
            N_(
                "An amendment of this kind is already waiting for a decision: wait for it, or "
                "withdraw it first."
            )
        )
    if not justification.strip():
        raise AmendmentRefused(N_("Give a justification."), field="justification")
    amendment = GrantAmendment(
        grant_id=grant.id,
        kind=kind,
        justification=justification.strip(),
        details=details,
        requested_by_id=user.id,
        requested_at=now,
    )
    db.session.add(amendment)
    db.session.flush()
    record(
        "grant.amendment_requested",
        amendment,
        None,
        {"kind": kind, "status": amendment.status, "details": details},
        user.id,
    )
    _tell_staff(grant, amendment)
    return amendment


def request_end_date(
    grant: Grant, new_end: date, justification: str, user: User, now: datetime
) -> GrantAmendment:
    """A later end date."""
    _lock(grant)
    _in_force(grant)
    amended_period(grant.start_date, grant.end_date, new_end)  # refuses an end date not later
    details = {"end_date": new_end.isoformat(), "previous": grant.end_date.isoformat()}
    return _request(grant, AmendmentKind.end_date, justification, details, user, now)


def request_budget(
    grant: Grant,
    amounts: dict[int, Decimal],
    indirect: Decimal,
    contingency: Decimal,
    wanted_max: Decimal | None,
    justification: str,
    user: User,
    now: datetime,
) -> GrantAmendment:
    """New amounts per line of the current contract budget (and its indirect costs and
    contingency), checked now against the call's limits and checked again on approval."""
    _lock(grant)
    _in_force(grant)
    current = grant.current
    lines = {line.id: line for line in current.lines}
    if set(amounts) != set(lines):
        raise AmendmentRefused(N_("Give an amount for every line of the budget."), field="lines")
    _budget(grant, [amounts[i] for i in lines], indirect, contingency, wanted_max)
    if (
        all(amounts[i] == lines[i].amount for i in lines)
        and (indirect, contingency)
        == (
            current.indirect,
            current.contingency,
        )
        and wanted_max in (None, grant.max_grant)
    ):
        raise AmendmentRefused(N_("The budget asked for is the current one."), field="lines")
    details = {
        "lines": {str(i): str(amounts[i]) for i in lines},
        "indirect": str(indirect),
        "contingency": str(contingency),
        "max_grant": None if wanted_max is None else str(wanted_max),
    }
    return _request(grant, AmendmentKind.budget, justification, details, user, now)


def _budget(grant: Grant, amounts, indirect, contingency, wanted_max):
    call = grant.call
    return amended_budget(
        list(amounts),
        indirect,
        contingency,
        max_grant=grant.max_grant,
        contract_total=grant.contract_total,
        wanted_max=wanted_max,
        indirect_rate=call.indirect_rate,
        contingency_rate=call.contingency_rate,
        min_rate=call.min_rate,
        max_rate=call.max_rate,
        paid=grant.paid_total,
        currency=call.currency,
    )


def request_partner(
    grant: Grant,
    remove_id: int | None,
    add_id: int | None,
    role: str,
    justification: str,
    user: User,
    now: datetime,
) -> GrantAmendment:
    """Add a partner organisation, remove one, or replace one by another."""
    _lock(grant)
    _in_force(grant)
    application = grant.application
    partners = {p.organisation_id for p in application.partners}
    if remove_id is None and add_id is None:
        raise AmendmentRefused(
            N_("Choose a partner to remove, an organisation to add, or both."), field="remove"
        )
    if remove_id is not None and remove_id not in partners:
        raise AmendmentRefused(N_("This organisation is not a partner."), field="remove")
    added = db.session.get(Organisation, add_id) if add_id is not None else None
    if add_id is not None:
        if added is None or added.verified_at is None or added.merged_into_id is not None:
            raise AmendmentRefused(N_("Choose a verified organisation to add."), field="add")
        if add_id in partners or add_id == application.lead_id:
            raise AmendmentRefused(
                N_("This organisation already takes part in the grant."), field="add"
            )
    removed = db.session.get(Organisation, remove_id) if remove_id is not None else None
    details = {
        "remove": remove_id,
        "remove_name": removed.name if removed else "",
        "add": add_id,
        "add_name": added.name if added else "",
        "role": role.strip(),
    }
    return _request(grant, AmendmentKind.partner, justification, details, user, now)


def withdraw(grant: Grant, amendment: GrantAmendment, user: User, now: datetime) -> None:
    _lock(grant)
    _open(amendment)
    amendment.decided_by_id, amendment.decided_at = user.id, now
    move_grant_object(
        amendment, AmendmentStatus.withdrawn, action="grant.amendment_withdrawn", user_id=user.id
    )


def _open(amendment: GrantAmendment) -> None:
    db.session.refresh(amendment, ["status"])
    if amendment.status is not AmendmentStatus.requested:
        raise AmendmentRefused(N_("This request was already decided or withdrawn."))


# Decisions ---------------------------------------------------------------------------------------


def refuse(grant: Grant, amendment: GrantAmendment, reason: str, user: User, now: datetime) -> None:
    _lock(grant)
    _open(amendment)
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
    _tell_lead(grant, amendment)


def approve(
    grant: Grant, amendment: GrantAmendment, reason: str, user: User, now: datetime
) -> GrantVersion:
    """Approve the request: a new contract version, and the grant's current terms moved."""
    _lock(grant)
    _open(amendment)
    _in_force(grant)
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
    _tell_lead(grant, amendment)
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
    result = _budget(grant, new, indirect, contingency, wanted)
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


# Termination -------------------------------------------------------------------------------------


def terminate(grant: Grant, reason: str, user: User, now: datetime) -> Decimal:
    """End a grant in force early: the pre-financing its accepted costs do not cover is to be
    recovered; the final amount is what the beneficiary keeps (paid less the recovery), so the
    payment schedule shows the recovery due. Open amendment requests lapse (refused)."""
    _lock(grant)
    _in_force(grant)
    if not reason.strip():
        raise AmendmentRefused(N_("Give the reason of the termination."), field="reason")
    if grant.final_amount is not None:
        raise AmendmentRefused(
            N_("The final amount of this grant is set: settle its balance instead.")
        )
    accepted, recovery = recovery_of(grant)
    final = grant.paid_total - recovery
    grant.final_amount = final
    grant.terminated_at, grant.termination_reason = now, reason.strip()
    move_grant_object(
        grant,
        GrantStatus.terminated,
        action="grant.terminated",
        user_id=user.id,
        after={
            "reason": grant.termination_reason,
            "accepted_costs": accepted,
            "recovery": recovery,
            "final_amount": final,
        },
    )
    for amendment in grant.amendments:
        if amendment.status is AmendmentStatus.requested:
            amendment.decided_by_id, amendment.decided_at = user.id, now
            amendment.decision_reason = reason.strip()
            move_grant_object(
                amendment,
                AmendmentStatus.refused,
                action="grant.amendment_refused",
                user_id=user.id,
                after={"reason": amendment.decision_reason},
            )
    db.session.flush()
    return recovery


# E-mails -----------------------------------------------------------------------------------------

KIND_SUBJECTS = {
    AmendmentKind.end_date: _l("a later end date"),
    AmendmentKind.budget: _l("a budget change"),
    AmendmentKind.partner: _l("a partner change"),
}


def _link(grant: Grant) -> str:
    return url_for("amendments.index", grant_id=grant.id, _external=True)


def _tell_staff(grant: Grant, amendment: GrantAmendment) -> None:
    for member in grant_staff():
        mail.send(
            member.email,
            _l("Amendment requested on %(number)s", number=grant.number),
            "email/amendment_requested.txt",
            locale=member.locale,
            about=grant.application_id,
            member=member,
            grant=grant,
            application=grant.application,
            kind=KIND_SUBJECTS[amendment.kind],
            amendment=amendment,
            link=_link(grant),
        )


def _tell_lead(grant: Grant, amendment: GrantAmendment) -> None:
    for member in lead_members(grant):
        mail.send(
            member.email,
            _l("Decision on your amendment request for %(number)s", number=grant.number),
            "email/amendment_decided.txt",
            locale=member.locale,
            about=grant.application_id,
            member=member,
            grant=grant,
            application=grant.application,
            kind=KIND_SUBJECTS[amendment.kind],
            amendment=amendment,
            approved=amendment.status is AmendmentStatus.approved,
            link=_link(grant),
        )
