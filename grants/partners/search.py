"""Partner search over the organisations' partner-search profiles, and contacting an organisation."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants import mail
from grants.applications.access import is_editable
from grants.audit import record
from grants.auth.services import acting_members
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import Application, Call, CallStatus, Organisation, OrganisationType, User
from grants.partners.services import Refused
from grants.rules.eligibility import is_eligible_partner
from grants.rules.text import fold

PER_PAGE = 20


@dataclass(frozen=True)
class Filters:
    country: str = ""
    type: str = ""
    theme: str = ""
    q: str = ""
    only_eligible: bool = False  # for `call`
    call: Call | None = None


class ProfileIndex:
    """Every seeking organisation's themes, type and country, read in one query, for the filters."""

    def __init__(self) -> None:
        rows = db.session.execute(_seeking().with_only_columns(
            Organisation.id, Organisation.type, Organisation.country, Organisation.partner_themes)).all()
        spelling: dict[str, str] = {}
        self.by_theme: dict[str, set[int]] = {}
        self.parties = {row.id: Organisation.party(row) for row in rows}  # the row has the columns party() reads
        for row in rows:
            for theme in row.partner_themes or []:
                spelling.setdefault(theme.casefold(), theme)
                self.by_theme.setdefault(theme.casefold(), set()).add(row.id)
        self.themes = sorted(spelling.values(), key=str.casefold)  # one spelling per theme, whatever its case

    def eligible(self, call: Call) -> set[int]:
        rules = call.eligibility_rules()
        return {org_id for org_id, party in self.parties.items() if is_eligible_partner(party, rules)}


def _seeking():
    return select(Organisation).where(Organisation.seeking_partner.is_(True), Organisation.verified_at.is_not(None))


def published_calls() -> list[Call]:
    return list(db.session.scalars(select(Call).where(Call.status == CallStatus.published).order_by(Call.reference)))


def search(filters: Filters, index: ProfileIndex, page: int):
    """One page of seeking organisations matching every filter, by name."""
    query = _seeking()
    if filters.country:
        query = query.where(Organisation.country == filters.country)
    if filters.type in OrganisationType.__members__:
        query = query.where(Organisation.type == OrganisationType(filters.type))
    if filters.theme:
        query = query.where(Organisation.id.in_(index.by_theme.get(filters.theme.casefold(), set())))
    if fold(filters.q):  # name, region or description, whatever the case and the Turkish or accented letters
        query = query.where(Organisation.search_key.contains(fold(filters.q), autoescape=True))
    if filters.call is not None and filters.only_eligible:
        query = query.where(Organisation.id.in_(index.eligible(filters.call)))
    return db.paginate(query.order_by(Organisation.name, Organisation.id), page=page, per_page=PER_PAGE,
                       error_out=False)


def get_profile(org_id: int) -> Organisation:
    """A verified organisation's public profile (never its members or their e-mail addresses)."""
    org = db.session.get(Organisation, org_id)
    if org is None or not org.verified:
        abort(404)
    return org


def my_draft_applications(user: User, org: Organisation) -> list[Application]:
    """The user's organisation's draft applications to which `org` could still be invited."""
    if not user.acts_for_organisation or user.organisation_id == org.id:
        return []
    applications = db.session.scalars(
        select(Application).where(Application.lead_id == user.organisation_id)
        .options(selectinload(Application.partners), selectinload(Application.stages))
        .order_by(Application.created_at.desc()))
    return [a for a in applications if is_editable(a) and all(p.organisation_id != org.id for p in a.partners)]


def may_contact(user: User, org: Organisation) -> bool:
    return user.acts_for_organisation and user.organisation_id != org.id


def contact(sender: User, org: Organisation, message: str) -> None:
    """E-mail the message to the organisation's verified members (Refused when it has none)."""
    if not may_contact(sender, org):
        abort(404)
    recipients = acting_members([org.id])
    if not recipients:
        raise Refused(_l("%(name)s has no verified member yet to receive messages.", name=org.name))
    reply = url_for("partners.profile", org_id=sender.organisation_id, _external=True)
    for member in recipients:
        mail.send(member.email, _l("%(organisation)s would like to talk about a partnership",
                                   organisation=sender.organisation.name),
                  "email/partner_contact.txt", locale=member.locale, member=member, sender=sender,
                  organisation=org, message=message, link=reply)
    record("contact_partner", org, after={"from_organisation_id": sender.organisation_id,
                                          "recipients": len(recipients)})
