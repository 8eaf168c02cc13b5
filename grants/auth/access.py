"""Flask-Login's user loader, who may act on the signed-in user's organisation (its page, its
profile, its pending members), and the pages an applicant may open before confirming their address
(`confirm_email_first`).

Every member sees their organisation's page (404 without one); those who act for it (and staff)
change its profile and verify its pending members (403 for the other members, whose organisation is
no secret to them).
"""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_login import current_user

from grants.access import load_or_404
from grants.auth.services import sessions
from grants.extensions import db, login_manager
from grants.models import Organisation, Role, User


def can_manage(user: User, org: Organisation) -> bool:
    """Staff manage every organisation; an applicant manages the one they verifiably act for."""
    if user.has_role("staff"):
        return True
    return (
        user.role is Role.applicant
        and user.organisation_id == org.id
        and user.acts_for_organisation
    )


def own_organisation(user: User) -> Organisation:
    """The user's organisation (404 if they have none)."""
    return load_or_404(user.organisation)


def managed_organisation(user: User) -> Organisation:
    """The user's organisation, if they may manage it (404 without one, 403 for a member who may
    not)."""
    org = own_organisation(user)
    if not can_manage(user, org):
        abort(403)
    return org


def pending_member(org: Organisation, member_id: int) -> User:
    """A member of `org` still to be verified (404 for anyone else, and once the organisation is
    closed)."""
    return load_or_404(
        db.session.get(User, member_id),
        lambda member: (
            member.organisation_id == org.id
            and member.member_verified_at is None
            and not org.closed
        ),
    )


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of an open server-side session (grants.auth.services.sessions); None ends a copied
    or old cookie (routes declare their access with grants.access.requires)."""
    return sessions.load(user_id)


def must_confirm(user) -> bool:
    """A registered applicant whose address is not confirmed yet (staff and evaluators confirm
    theirs by setting their password through the link of their invitation)."""
    return user.role is Role.applicant and not user.email_confirmed


# pages an applicant whose address is not confirmed may still open: the rest send them to confirm it
# first
_BEFORE_CONFIRMATION = {
    "auth.confirm_email",
    "auth.resend_confirmation",
    "auth.confirm_email_link",
    "auth.logout",
    "auth.correct_address",
    "auth.set_password",
    "static",
}


def confirm_email_first():
    """Before every request (registered by routes.py): an applicant whose address is not confirmed
    is sent to confirm it, except on the pages above and the public ones."""
    if (
        current_user.is_authenticated
        and must_confirm(current_user)
        and request.endpoint not in _BEFORE_CONFIRMATION
        and not (request.endpoint or "").startswith("public.")
    ):
        return redirect(url_for("auth.confirm_email"))
    return None
