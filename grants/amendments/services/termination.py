"""Staff terminate a grant in force with a reason: the pre-financing not covered by the accepted
costs of its approved reports is to be recovered, and the grant's final amount becomes what it
keeps (docs/domain.md 7, Amendments)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from grants.amendments.queries import recovery_of
from grants.amendments.services._guards import in_force, lock
from grants.extensions import db
from grants.models import (
    Grant,
    User,
)
from grants.rules.grant_amendments import AmendmentRefused
from grants.rules.grant_status import AmendmentStatus, GrantStatus
from grants.rules.problems import N_
from grants.status import move_grant_object


def terminate(grant: Grant, reason: str, user: User, now: datetime) -> Decimal:
    """End a grant in force early: the pre-financing its accepted costs do not cover is to be
    recovered; the final amount is what the beneficiary keeps (paid less the recovery), so the
    payment schedule shows the recovery due. Open amendment requests lapse (refused)."""
    lock(grant)
    in_force(grant)
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
