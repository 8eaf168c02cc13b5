"""Partners who are not yet registered (docs/domain.md 3): invite by e-mail, hold the place,
register from the link.

The lead invites a partner authority by e-mail: a pending (unverified) organisation takes its place
in the partnership. The e-mailed link carries a signed token naming the invitation and a random
nonce; only the nonce's hash is stored, replaced when the invitation is sent again and cleared once
used, so each link works once, and only until PARTNER_INVITATION_MAX_AGE after it was sent
(grants.partners.queries.invitation_for_token reads it back). Following it, the contact person
registers as the first member of the pending organisation and completes its details; staff then
verify it as any other, and its member confirms the partnership as usual.
"""

from __future__ import annotations

import secrets

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from grants import clock, mail
from grants.applications.access import is_editable
from grants.audit import record, snapshot
from grants.auth.queries import ORG_FIELDS, USER_FIELDS, acting_members, find_user
from grants.auth.services.accounts import EmailTaken, add_user
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Application,
    Organisation,
    OrganisationType,
    Partner,
    PartnerInvitation,
    PartnerStatus,
    Role,
    User,
)
from grants.models.base import now_utc
from grants.partners.queries import max_age, nonce_hash, token_serializer
from grants.partners.services.partnership import (
    CLOSED,
    PARTNER_FIELDS,
    Refused,
    refuse_budget_lines,
    tell_lead,
)
from grants.rules.problems import N_

INVITATION_FIELDS = ["email", "locale", "organisation_id", "partner_id", "sent_at", "accepted_at"]


def _new_token(invitation: PartnerInvitation) -> str:
    """A fresh link for the invitation: every earlier one stops working."""
    nonce = secrets.token_urlsafe(24)
    invitation.token_hash = nonce_hash(nonce)
    invitation.sent_at = clock.now()
    return token_serializer().dumps({"id": invitation.id, "n": nonce})


def _refuse_closed(application: Application) -> None:
    if not is_editable(application):
        raise Refused(CLOSED)


def invite(actor: User, application: Application, data: dict) -> PartnerInvitation:
    """Invite a partner authority by e-mail; `data`: name, country, type, email, locale, role,
    message."""
    _refuse_closed(application)
    email = data["email"].strip().lower()
    if find_user(email) is not None:
        raise Refused(
            N_(
                "Someone is already registered with this e-mail address, so there is nothing to "
                "invite. "
                "Ask your contact which organisation they registered, then propose it from the "
                "list "
                "above once programme staff have verified it."
            ),
            field="email",
        )
    duplicate = db.session.scalar(
        select(func.count(PartnerInvitation.id)).where(
            PartnerInvitation.application_id == application.id, PartnerInvitation.email == email
        )
    )
    if duplicate:
        raise Refused(
            N_(
                "You already invited %(email)s to this application. Send the invitation again from "
                "its "
                "place in the partnership if the e-mail was lost."
            ),
            field="email",
            email=email,
        )
    org = Organisation(
        name=data["name"], country=data["country"].upper(), type=OrganisationType(data["type"])
    )
    position = max((p.position for p in application.partners), default=-1) + 1
    partner = Partner(
        organisation=org, role=data["role"], position=position, status=PartnerStatus.proposed
    )
    try:
        with db.session.begin_nested():
            application.partners.append(partner)
            invitation = PartnerInvitation(
                application_id=application.id,
                partner=partner,
                organisation=org,
                email=email,
                locale=data["locale"],
                message=data.get("message") or "",
                invited_by_id=actor.id,
            )
            db.session.add(invitation)
            db.session.flush()
    except IntegrityError as exc:  # the same invitation sent twice at once
        db.session.expire(application, ["partners"])
        raise Refused(
            N_("You already invited %(email)s to this application."), field="email", email=email
        ) from exc
    record("register_invited", org, after=snapshot(org, ORG_FIELDS))
    record("propose_partner", partner, after=snapshot(partner, PARTNER_FIELDS))
    record("invite_partner", invitation, after=snapshot(invitation, INVITATION_FIELDS))
    _send(invitation)
    return invitation


def _send(invitation: PartnerInvitation) -> None:
    application = invitation.partner.application
    mail.send(
        invitation.email,
        _l(
            "%(lead)s invites %(partner)s to apply together for a twinning grant",
            lead=application.lead.name,
            partner=invitation.organisation.name,
        ),
        "email/partner_registration_invitation.txt",
        locale=invitation.locale,
        about=application.id,
        invitation=invitation,
        application=application,
        link=url_for("partners.register_invited", token=_new_token(invitation), _external=True),
        days=max_age().days,
    )


def resend(invitation: PartnerInvitation) -> None:
    """A new link to the same address; the earlier links stop working."""
    _refuse_closed(invitation.partner.application)
    before = snapshot(invitation, INVITATION_FIELDS)
    _send(invitation)
    record(
        "resend_partner_invitation",
        invitation,
        before=before,
        after=snapshot(invitation, INVITATION_FIELDS),
    )


def cancel(invitation: PartnerInvitation) -> None:
    """Withdraw an invitation not registered yet: its pending organisation leaves the partnership
    and goes."""
    application = invitation.partner.application
    _refuse_closed(application)
    org = invitation.organisation
    refuse_budget_lines(application, org)
    record("cancel_partner_invitation", invitation, before=snapshot(invitation, INVITATION_FIELDS))
    record(
        "remove_partner", invitation.partner, before=snapshot(invitation.partner, PARTNER_FIELDS)
    )
    application.partners.remove(invitation.partner)
    db.session.delete(invitation)
    db.session.flush()
    still_used = db.session.scalar(
        select(func.count(Partner.id)).where(Partner.organisation_id == org.id)
    )
    if not still_used and not org.members:
        record("delete_invited", org, before=snapshot(org, ORG_FIELDS))
        db.session.delete(org)
        db.session.flush()


def register(invitation: PartnerInvitation, org_data: dict, name: str, password: str) -> User:
    """The invited contact person completes the pending organisation and becomes its first member.

    Refused when the address was registered meanwhile. The organisation stays unverified until staff
    verify it.
    """
    org = invitation.organisation
    before = snapshot(org, ORG_FIELDS)
    for field in ORG_FIELDS:
        if field in org_data:
            setattr(org, field, org_data[field])
    org.type = OrganisationType(org_data["type"])
    org.country = org_data["country"].upper()
    now = now_utc()  # the link came to this address: it is confirmed
    user = User(
        name=name,
        email=invitation.email,
        role=Role.applicant,
        organisation_id=org.id,
        member_verified_at=now,
        email_confirmed_at=now,
        locale=invitation.locale,
    )
    user.set_password(password)
    try:
        add_user(user)
    except EmailTaken as taken:
        raise Refused(
            N_(
                "An account with this e-mail address already exists. Log in instead, and ask the "
                "lead "
                "applicant to propose your organisation."
            )
        ) from taken
    db.session.expire(org, ["members"])
    invitation.accepted_at, invitation.accepted_by_id, invitation.token_hash = (
        now_utc(),
        user.id,
        None,
    )
    record("register", user, after=snapshot(user, USER_FIELDS), user_id=user.id)
    record("register", org, before=before, after=snapshot(org, ORG_FIELDS), user_id=user.id)
    record(
        "accept_partner_invitation",
        invitation,
        after=snapshot(invitation, INVITATION_FIELDS),
        user_id=user.id,
    )
    application = invitation.partner.application
    tell_lead(
        application,
        _l("%(partner)s registered on TWIN Grants", partner=org.name),
        "email/partner_registered.txt",
        partner=invitation.partner,
    )
    return user


def tell_verified(org: Organisation) -> None:
    """Staff verified an organisation: its members are reminded of each partnership waiting for its
    answer."""
    waiting = db.session.scalars(
        select(Partner).where(
            Partner.organisation_id == org.id, Partner.status == PartnerStatus.proposed
        )
    ).all()
    for partner in waiting:
        application = partner.application
        if not is_editable(application):
            continue
        for member in acting_members([org.id]):
            mail.send(
                member.email,
                _l("%(lead)s invites you to partner its application", lead=application.lead.name),
                "email/partner_invitation.txt",
                locale=member.locale,
                about=application.id,
                member=member,
                partner=partner,
                application=application,
                link=url_for("partners.invitation", partner_id=partner.id, _external=True),
            )
