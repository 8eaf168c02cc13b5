"""What every amendment command checks first: the grant's row locked (two requests of one kind,
or two decisions of one request, sent at once cannot both pass), the grant in force, the request
still open."""

from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models import Grant, GrantAmendment
from grants.rules.grant_amendments import AmendmentRefused
from grants.rules.grant_status import AmendmentStatus, GrantStatus
from grants.rules.problems import N_


def lock(grant: Grant) -> None:
    db.session.scalar(select(Grant.id).where(Grant.id == grant.id).with_for_update())
    db.session.refresh(grant, ["status", "max_grant", "paid_total", "prefinancing_paid"])


def in_force(grant: Grant) -> None:
    if grant.status is not GrantStatus.in_force:
        raise AmendmentRefused(N_("Only a grant in force can be amended or terminated."))


def still_open(amendment: GrantAmendment) -> None:
    db.session.refresh(amendment, ["status"])
    if amendment.status is not AmendmentStatus.requested:
        raise AmendmentRefused(N_("This request was already decided or withdrawn."))


def checked_budget(grant: Grant, amounts, indirect, contingency, wanted_max):
    """The amended budget (Grant.amended_budget), refused unless it keeps the call's limits and the
    grant's maximum: checked at the request and again at its approval."""
    return grant.amended_budget(amounts, indirect, contingency, wanted_max)
