"""Partnership use cases: propose and remove partners, contact an organisation about a partnership.

Services receive objects the route loaded through grants.partners.access, flush and audit; the
request commits once (grants.unit_of_work). A refusal is a `Refused` with a message marked with N_.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from grants import mail
from grants.audit import record, snapshot
from grants.auth.queries import acting_members
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Application,
    BudgetLine,
    Organisation,
    Partner,
    PartnerStatus,
    User,
)
from grants.rules import problems
from grants.rules.problems import N_

PARTNER_FIELDS = [
    "organisation_id",
    "role",
    "status",
    "confirmed_at",
    "confirmed_by_id",
    "declined_at",
    "confirmed_share",
    "confirmed_role",
    "decline_reason",
]

CLOSED = N_("This application is no longer a draft: its partnership cannot change.")


class Refused(problems.Refused):
    """A partnership use case refused: the message (marked with N_) and its parameters."""


def tell_lead(application: Application, subject, template: str, **context) -> None:
    link = url_for("partners.partnership", application_id=application.id, _external=True)
    for member in acting_members([application.lead_id]):
        mail.send(
            member.email,
            subject,
            template,
            locale=member.locale,
            about=application.id,
            member=member,
            link=link,
            application=application,
            **context,
        )


def propose_partner(application: Application, organisation_id: int, role: str) -> Partner:
    org = db.session.get(Organisation, organisation_id)
    if org is None or not org.verified:
        raise Refused(N_("Choose an organisation from the list."), field="organisation_id")
    if org.id == application.lead_id:
        raise Refused(
            N_("The lead applicant cannot also be its own partner."), field="organisation_id"
        )
    if any(p.organisation_id == org.id for p in application.partners):
        raise Refused(
            N_("%(name)s is already a partner of this application."),
            field="organisation_id",
            name=org.name,
        )
    position = max((p.position for p in application.partners), default=-1) + 1
    partner = Partner(organisation=org, role=role, position=position, status=PartnerStatus.proposed)
    application.partners.append(partner)
    db.session.flush()
    record("propose_partner", partner, after=snapshot(partner, PARTNER_FIELDS))
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
    return partner


def refuse_budget_lines(application: Application, org: Organisation) -> None:
    """A partner that still incurs budget lines cannot leave the partnership."""
    lines = db.session.scalar(
        select(db.func.count(BudgetLine.id)).where(
            BudgetLine.application_id == application.id, BudgetLine.organisation_id == org.id
        )
    )
    if lines:
        raise Refused(
            N_(
                "%(name)s still incurs %(count)s budget line(s): move or delete them on the budget "
                "page first."
            ),
            name=org.name,
            count=lines,
        )


def remove_partner(application: Application, partner: Partner) -> None:
    refuse_budget_lines(application, partner.organisation)
    record("remove_partner", partner, before=snapshot(partner, PARTNER_FIELDS))
    for member in acting_members([partner.organisation_id]):
        mail.send(
            member.email,
            _l("You are no longer a partner of an application"),
            "email/partner_removed.txt",
            locale=member.locale,
            about=application.id,
            member=member,
            partner=partner,
            application=application,
        )
    application.partners.remove(partner)
    db.session.flush()


def contact(sender: User, org: Organisation, message: str) -> None:
    """E-mail the message to the organisation's verified members (Refused when it has none); `org`
    comes from grants.partners.access.organisation_to_contact."""
    recipients = acting_members([org.id])
    if not recipients:
        raise Refused(N_("%(name)s has no verified member yet to receive messages."), name=org.name)
    reply = url_for("partners.profile", org_id=sender.organisation_id, _external=True)
    for member in recipients:
        mail.send(
            member.email,
            _l(
                "%(organisation)s would like to talk about a partnership",
                organisation=sender.organisation.name,
            ),
            "email/partner_contact.txt",
            locale=member.locale,
            member=member,
            sender=sender,
            organisation=org,
            message=message,
            link=reply,
        )
    record(
        "contact_partner",
        org,
        after={"from_organisation_id": sender.organisation_id, "recipients": len(recipients)},
    )
