"""Partnership use cases: propose and remove partners, the partnerships offered to an organisation."""
from __future__ import annotations

from flask import abort, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants import mail
from grants.audit import record, snapshot
from grants.auth.services import acting_members
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import Application, BudgetLine, Organisation, Partner, PartnerStatus, User
from grants.rules.text import fold

PARTNER_FIELDS = ["organisation_id", "role", "status", "confirmed_at", "confirmed_by_id", "declined_at",
                  "confirmed_share", "confirmed_role", "decline_reason"]


class Refused(Exception):
    """A use case refused: `message` says why, in the user's language (plain text, escaped when shown)."""

    def __init__(self, message) -> None:
        self.message = str(message)  # a lazy string would reach Jinja as trusted HTML, names and all
        super().__init__(self.message)


def tell_lead(application: Application, subject, template: str, **context) -> None:
    link = url_for("partners.partnership", application_id=application.id, _external=True)
    for member in acting_members([application.lead_id]):
        mail.send(member.email, subject, template, locale=member.locale, member=member, link=link,
                  application=application, **context)


def organisation_choices(application: Application, q: str = "", include: int | None = None,
                         limit: int = 50) -> list[Organisation]:
    """Verified organisations the lead may still propose, by name, optionally matching `q`."""
    taken = {application.lead_id, *(p.organisation_id for p in application.partners)}
    query = select(Organisation).where(Organisation.verified_at.is_not(None), Organisation.id.not_in(taken))
    if fold(q):
        query = query.where(Organisation.name_key.contains(fold(q), autoescape=True))
    found = list(db.session.scalars(query.order_by(Organisation.name, Organisation.id).limit(limit)))
    if include and include not in taken and all(o.id != include for o in found):
        extra = db.session.get(Organisation, include)
        if extra is not None and extra.verified:
            found.insert(0, extra)
    return found


def propose_partner(application: Application, organisation_id: int, role: str) -> Partner:
    org = db.session.get(Organisation, organisation_id)
    if org is None or not org.verified:
        raise Refused(_l("Choose an organisation from the list."))
    if org.id == application.lead_id:
        raise Refused(_l("The lead applicant cannot also be its own partner."))
    if any(p.organisation_id == org.id for p in application.partners):
        raise Refused(_l("%(name)s is already a partner of this application.", name=org.name))
    position = max((p.position for p in application.partners), default=-1) + 1
    partner = Partner(organisation=org, role=role, position=position, status=PartnerStatus.proposed)
    application.partners.append(partner)
    db.session.flush()
    record("propose_partner", partner, after=snapshot(partner, PARTNER_FIELDS))
    for member in acting_members([org.id]):
        mail.send(member.email, _l("%(lead)s invites you to partner its application", lead=application.lead.name),
                  "email/partner_invitation.txt", locale=member.locale, member=member, partner=partner,
                  application=application, link=url_for("partners.invitation", partner_id=partner.id,
                                                        _external=True))
    return partner


def partner_in(application: Application, partner_id: int) -> Partner:
    partner = next((p for p in application.partners if p.id == partner_id), None)
    if partner is None:
        abort(404)
    return partner


def remove_partner(application: Application, partner: Partner) -> None:
    lines = db.session.scalar(select(db.func.count(BudgetLine.id)).where(
        BudgetLine.application_id == application.id, BudgetLine.organisation_id == partner.organisation_id))
    if lines:
        raise Refused(_l("%(name)s still incurs %(count)s budget line(s): move or delete them on the budget "
                         "page first.", name=partner.organisation.name, count=lines))
    record("remove_partner", partner, before=snapshot(partner, PARTNER_FIELDS))
    for member in acting_members([partner.organisation_id]):
        mail.send(member.email, _l("You are no longer a partner of an application"), "email/partner_removed.txt",
                  locale=member.locale, member=member, partner=partner, application=application)
    application.partners.remove(partner)
    db.session.flush()


def invitations_for(user: User) -> list[Partner]:
    """The partnerships offered to the organisation the user acts for, newest application first."""
    if not user.acts_for_organisation:
        return []
    return list(db.session.scalars(
        select(Partner).join(Partner.application).where(Partner.organisation_id == user.organisation_id)
        .options(selectinload(Partner.application).selectinload(Application.lead),
                 selectinload(Partner.application).selectinload(Application.call))
        .order_by(Application.created_at.desc(), Partner.id)))


def get_invitation(user: User, partner_id: int) -> Partner:
    """The partnership offered to the user's organisation; 404 for everyone else."""
    partner = db.session.scalar(select(Partner).where(Partner.id == partner_id).options(
        selectinload(Partner.application).selectinload(Application.budget_lines),
        selectinload(Partner.application).selectinload(Application.stages)))
    if partner is None or not user.acts_for_organisation or partner.organisation_id != user.organisation_id:
        abort(404)
    return partner
