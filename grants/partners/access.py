"""Who may reach the partners pages' objects: loaders that answer 404 for the rest.

- a verified organisation's partner-search profile: every applicant and staff member;
- contacting an organisation: members acting for another organisation;
- a partner of an application, an invitation sent for it: through the application (its lead's
  members);
- the partnership offered to an organisation: the members acting for it.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.access import load_or_404
from grants.applications.access import get_application_for, is_lead_member
from grants.extensions import db
from grants.models import Application, Organisation, Partner, PartnerInvitation, User


def may_contact(user: User, org: Organisation) -> bool:
    return user.acts_for_organisation and user.organisation_id != org.id


def get_profile(org_id: int) -> Organisation:
    """A verified organisation's public profile (never its members or their e-mail addresses)."""
    return load_or_404(db.session.get(Organisation, org_id), lambda org: org.verified)


def organisation_to_contact(user: User, org_id: int) -> Organisation:
    """A verified organisation the user may write to: 404 for anyone not acting for another
    organisation."""
    return load_or_404(get_profile(org_id), lambda org: may_contact(user, org))


def lead_application(user: User, application_id: int) -> Application:
    """The application for a member acting for its lead (404 for others), draft or not: the route
    says plainly when its partnership can no longer change."""
    application = get_application_for(user, application_id)
    if not is_lead_member(user, application):
        abort(404)
    return application


def partner_in(application: Application, partner_id: int) -> Partner:
    """One of the application's partners; 404 for any other."""
    return load_or_404(next((p for p in application.partners if p.id == partner_id), None))


def invitation_in(application: Application, invitation_id: int) -> PartnerInvitation:
    """An open invitation sent for the application; 404 for any other."""
    return load_or_404(
        db.session.get(PartnerInvitation, invitation_id),
        lambda invitation: invitation.application_id == application.id and invitation.open,
    )


def get_invitation(user: User, partner_id: int) -> Partner:
    """The partnership offered to the user's organisation; 404 for everyone else."""
    partner = db.session.scalar(
        select(Partner)
        .where(Partner.id == partner_id)
        .options(
            selectinload(Partner.application).selectinload(Application.budget_lines),
            selectinload(Partner.application).selectinload(Application.stages),
        )
    )
    return load_or_404(
        partner, lambda p: user.acts_for_organisation and p.organisation_id == user.organisation_id
    )
