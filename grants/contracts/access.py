"""Who may see and act on a grant: loaders that answer 404 for the rest (grants/access.py).

- staff: every grant;
- members acting for the lead organisation (verified members of a verified organisation): see it
  and act for the beneficiary (sign, report, ask for amendments) once the contract is sent;
- members acting for a partner organisation: see it once the contract is sent;
- anyone else: 404, as if it did not exist.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from grants.access import load_or_404
from grants.extensions import db
from grants.models import Application, Grant, User
from grants.rules.grant_status import GrantStatus


def _load(grant_id: int) -> Grant | None:
    return db.session.scalar(
        select(Grant)
        .where(Grant.id == grant_id)
        .options(
            joinedload(Grant.call),
            joinedload(Grant.application).selectinload(Application.partners),
            selectinload(Grant.versions),
        )
    )


def is_lead_member(user: User, grant: Grant) -> bool:
    return bool(
        user.is_authenticated
        and user.acts_for_organisation
        and user.organisation_id == grant.application.lead_id
    )


def is_partner_member(user: User, grant: Grant) -> bool:
    return bool(
        user.is_authenticated
        and user.acts_for_organisation
        and any(p.organisation_id == user.organisation_id for p in grant.application.partners)
    )


def is_beneficiary(user: User, grant: Grant) -> bool:
    """A member of the lead or of a partner, once the contract left staff's hands."""
    return grant.status is not GrantStatus.draft and (
        is_lead_member(user, grant) or is_partner_member(user, grant)
    )


def may_view(user: User, grant: Grant) -> bool:
    if not user.is_authenticated:
        return False
    return user.has_role("staff") or is_beneficiary(user, grant)


def grant_or_404(grant_id: int, user: User) -> Grant:
    """The grant, for staff and its beneficiaries' members."""
    return load_or_404(_load(grant_id), lambda g: may_view(user, g))


def lead_grant_or_404(grant_id: int, user: User) -> Grant:
    """The grant, for the lead's members only (who act for the beneficiary); 404 for others."""
    return load_or_404(
        _load(grant_id),
        lambda g: g.status is not GrantStatus.draft and is_lead_member(user, g),
    )


def staff_grant_or_404(grant_id: int) -> Grant:
    """The grant, for staff routes (the role is checked by @requires("staff"))."""
    return load_or_404(_load(grant_id))
