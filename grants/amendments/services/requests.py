"""The lead's members request an amendment (a later end date, a budget change beyond the
flexibility, a partner change) with a justification, or withdraw their request (docs/domain.md 7,
Amendments)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from grants.amendments.queries import open_kinds
from grants.amendments.services._guards import checked_budget, in_force, lock, still_open
from grants.amendments.services.notices import tell_staff
from grants.audit import record
from grants.extensions import db
from grants.models import (
    Grant,
    GrantAmendment,
    Organisation,
    User,
)
from grants.rules.grant_amendments import AmendmentRefused, amended_period
from grants.rules.grant_status import AmendmentKind, AmendmentStatus
from grants.rules.problems import N_
from grants.status import move_grant_object


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
    tell_staff(grant, amendment)
    return amendment


def request_end_date(
    grant: Grant, new_end: date, justification: str, user: User, now: datetime
) -> GrantAmendment:
    """A later end date."""
    lock(grant)
    in_force(grant)
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
    lock(grant)
    in_force(grant)
    current = grant.current
    lines = {line.id: line for line in current.lines}
    if set(amounts) != set(lines):
        raise AmendmentRefused(N_("Give an amount for every line of the budget."), field="lines")
    checked_budget(grant, [amounts[i] for i in lines], indirect, contingency, wanted_max)
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
    lock(grant)
    in_force(grant)
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
    lock(grant)
    still_open(amendment)
    amendment.decided_by_id, amendment.decided_at = user.id, now
    move_grant_object(
        amendment, AmendmentStatus.withdrawn, action="grant.amendment_withdrawn", user_id=user.id
    )
