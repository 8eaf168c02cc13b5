"""Partners read models (no writes): partner search over the organisations' partner-search profiles,
the organisations a lead may still propose, the partnerships offered to an organisation, open
invitations."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from grants import clock
from grants.applications.access import is_editable
from grants.extensions import db
from grants.models import (
    Application,
    Call,
    CallStatus,
    Organisation,
    OrganisationType,
    Partner,
    PartnerInvitation,
    PartnerStatus,
    User,
)
from grants.partners.presenters import BudgetSummary, budget_summary
from grants.rules import confirmation
from grants.rules.confirmation import Change
from grants.rules.eligibility import is_eligible_partner
from grants.rules.text import fold

PER_PAGE = 20


# Partner search
# ------------------------------------------------------------------------------------


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
        rows = db.session.execute(
            _seeking().with_only_columns(
                Organisation.id,
                Organisation.type,
                Organisation.country,
                Organisation.partner_themes,
            )
        ).all()
        spelling: dict[str, str] = {}
        self.by_theme: dict[str, set[int]] = {}
        self.parties = {
            row.id: Organisation.party(row) for row in rows
        }  # the row has the columns party() reads
        for row in rows:
            for theme in row.partner_themes or []:
                spelling.setdefault(theme.casefold(), theme)
                self.by_theme.setdefault(theme.casefold(), set()).add(row.id)
        self.themes = sorted(
            spelling.values(), key=str.casefold
        )  # one spelling per theme, whatever its case

    def eligible(self, call: Call) -> set[int]:
        rules = call.eligibility_rules()
        return {
            org_id for org_id, party in self.parties.items() if is_eligible_partner(party, rules)
        }


def _seeking():
    return select(Organisation).where(
        Organisation.seeking_partner.is_(True), Organisation.verified_at.is_not(None)
    )


def published_calls() -> list[Call]:
    return list(
        db.session.scalars(
            select(Call).where(Call.status == CallStatus.published).order_by(Call.reference)
        )
    )


def search(filters: Filters, index: ProfileIndex, page: int):
    """One page of seeking organisations matching every filter, by name."""
    query = _seeking()
    if filters.country:
        query = query.where(Organisation.country == filters.country)
    if filters.type in OrganisationType.__members__:
        query = query.where(Organisation.type == OrganisationType(filters.type))
    if filters.theme:
        query = query.where(
            Organisation.id.in_(index.by_theme.get(filters.theme.casefold(), set()))
        )
    if fold(
        filters.q
    ):  # name, region or description, whatever the case and the Turkish or accented letters
        query = query.where(Organisation.search_key.contains(fold(filters.q), autoescape=True))
    if filters.call is not None and filters.only_eligible:
        query = query.where(Organisation.id.in_(index.eligible(filters.call)))
    return db.paginate(
        query.order_by(Organisation.name, Organisation.id),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )


def my_draft_applications(user: User, org: Organisation) -> list[Application]:
    """The user's organisation's draft applications to which `org` could still be invited."""
    if not user.acts_for_organisation or user.organisation_id == org.id:
        return []
    applications = db.session.scalars(
        select(Application)
        .where(Application.lead_id == user.organisation_id)
        .options(selectinload(Application.partners), selectinload(Application.stages))
        .order_by(Application.created_at.desc())
    )
    return [
        a
        for a in applications
        if is_editable(a) and all(p.organisation_id != org.id for p in a.partners)
    ]


# Partnerships
# ---------------------------------------------------------------------------------------


def organisation_choices(
    application: Application, q: str = "", include: int | None = None, limit: int = 50
) -> list[Organisation]:
    """Verified organisations the lead may still propose, by name, optionally matching `q`."""
    taken = {application.lead_id, *(p.organisation_id for p in application.partners)}
    query = select(Organisation).where(
        Organisation.verified_at.is_not(None), Organisation.id.not_in(taken)
    )
    if fold(q):
        query = query.where(Organisation.name_key.contains(fold(q), autoescape=True))
    found = list(
        db.session.scalars(query.order_by(Organisation.name, Organisation.id).limit(limit))
    )
    if include and include not in taken and all(o.id != include for o in found):
        extra = db.session.get(Organisation, include)
        if extra is not None and extra.verified:
            found.insert(0, extra)
    return found


def invitations_for(user: User) -> list[Partner]:
    """The partnerships offered to the organisation the user acts for, newest application first."""
    if not user.acts_for_organisation:
        return []
    return list(
        db.session.scalars(
            select(Partner)
            .join(Partner.application)
            .where(Partner.organisation_id == user.organisation_id)
            .options(
                selectinload(Partner.application).selectinload(Application.lead),
                selectinload(Partner.application).selectinload(Application.call),
            )
            .order_by(Application.created_at.desc(), Partner.id)
        )
    )


def invitations_of(application: Application) -> dict[int, PartnerInvitation]:
    """The application's invitations still waiting for registration, by partner id."""
    rows = db.session.scalars(
        select(PartnerInvitation).where(
            PartnerInvitation.application_id == application.id,
            PartnerInvitation.accepted_at.is_(None),
        )
    )
    return {invitation.partner_id: invitation for invitation in rows}


# Invitations by e-mail: the link's token read back -----------------------------------------------

_SALT = "grants.partner-invitation"


def max_age() -> timedelta:
    return timedelta(seconds=current_app.config["PARTNER_INVITATION_MAX_AGE"])


def token_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def invitation_for_token(
    token: str, *, now: Callable[[], datetime] = clock.now
) -> PartnerInvitation | None:
    """The open invitation the token was made for, if it is genuine, the latest sent, unused and
    recent (by the clock `now`)."""
    try:
        data = token_serializer().loads(token)
    except BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("id"), int)
        or not isinstance(data.get("n"), str)
    ):
        return None
    invitation = db.session.get(PartnerInvitation, data["id"])
    if (
        invitation is None
        or not invitation.open
        or invitation.token_hash is None
        or invitation.partner is None
    ):
        return None
    if not secrets.compare_digest(invitation.token_hash, nonce_hash(data["n"])):
        return None
    if now() >= invitation.sent_at + max_age():
        return None
    return invitation


def awaiting_registration(org: Organisation) -> bool:
    """An invited organisation whose contact person has not registered yet: nothing to verify so
    far."""
    return bool(
        db.session.scalar(
            select(func.count(PartnerInvitation.id)).where(
                PartnerInvitation.organisation_id == org.id, PartnerInvitation.accepted_at.is_(None)
            )
        )
    )


# A partner's confirmation: what its page shows ----------------------------------------------------

UNRECORDED = [Change("application", None, None)]  # a confirmation kept no record of what it covered


def current_terms(partner: Partner, summary: BudgetSummary | None = None) -> dict:
    """What the partner's confirmation page shows now."""
    application = partner.application
    summary = summary or budget_summary(application)
    totals = summary.totals
    amounts = {name: getattr(totals, name) for name in confirmation.MONEY_FIELDS if name != "share"}
    amounts["share"] = summary.share(partner.organisation_id)
    lines = [
        confirmation.Line(line.description, line.unit, line.quantity, line.unit_cost)
        for line in application.budget_lines
        if line.organisation_id == partner.organisation_id
    ]
    return confirmation.terms(
        title=application.title,
        acronym=application.acronym,
        summary=application.summary,
        objectives=application.objectives,
        lot=application.lot.name if application.lot else None,
        duration_months=application.duration_months,
        role=partner.role,
        amounts=amounts,
        lines=lines,
    )


def changes_since_confirmation(
    partner: Partner, summary: BudgetSummary | None = None
) -> list[Change]:
    """What changed since the partner last confirmed (also after a void: what the void was
    about)."""
    if partner.confirmed_terms is None:
        return list(UNRECORDED) if partner.status is PartnerStatus.confirmed else []
    return confirmation.changes(partner.confirmed_terms, current_terms(partner, summary))


def fingerprint(partner: Partner, summary: BudgetSummary) -> str:
    """What the partner reads before confirming: the confirmation is refused if it changed
    meanwhile."""
    text = json.dumps(current_terms(partner, summary), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def changes_to_reconfirm(application: Application) -> dict[int, list[Change]]:
    """Partner id -> what changed since it confirmed, for each partner whose confirmation was
    voided."""
    return {
        p.id: changes_since_confirmation(p)
        for p in application.partners
        if p.status.value == "proposed" and p.confirmed_terms is not None
    }
