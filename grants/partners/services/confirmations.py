"""A partner's confirmation covers what it read (docs/domain.md 3): confirm, decline, and void what
changed.

`review_confirmations(application)` is the one hook the save paths call after they changed the
application (project, budget: through grants.signals.application_changed, since applications does
not import partners; a partner's role): every confirmation whose page no longer shows
what the partner confirmed is voided, and both sides are told what changed. What the page shows
(the terms, the changes since, the fingerprint) is read in grants.partners.queries.
"""

from __future__ import annotations

from flask import url_for

from grants import mail
from grants.applications.access import is_editable
from grants.audit import record, snapshot
from grants.auth.queries import acting_members
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Application,
    Partner,
    PartnerStatus,
    User,
)
from grants.models.base import now_utc
from grants.partners.presenters import BudgetSummary, budget_summary
from grants.partners.queries import changes_since_confirmation, current_terms, fingerprint
from grants.partners.services.partnership import (
    CLOSED,
    PARTNER_FIELDS,
    Refused,
    tell_lead,
)
from grants.rules.confirmation import Change
from grants.rules.problems import N_
from grants.signals import application_changed
from grants.status import move_partner


@application_changed.connect
def review_confirmations(application: Application, **_) -> list[Partner]:
    """After a save: void each confirmation that no longer covers what its page shows; the partners
    voided."""
    confirmed = [p for p in application.partners if p.status is PartnerStatus.confirmed]
    if not confirmed:
        return []
    summary = budget_summary(application)
    voided = []
    for partner in confirmed:
        found = changes_since_confirmation(partner, summary)
        if found:
            _void(partner, found)
            voided.append(partner)
    return voided


def _void(partner: Partner, changes: list[Change]) -> None:
    before = snapshot(partner, PARTNER_FIELDS)
    partner.confirmed_at = partner.confirmed_by_id = partner.confirmed_share = None
    partner.confirmed_role = ""  # confirmed_terms stay: the pages say what changed since
    move_partner(
        partner,
        PartnerStatus.proposed,
        action="void_confirmation",
        before=before,
        after=lambda: {
            **snapshot(partner, PARTNER_FIELDS),
            "changes": [c.field for c in changes],
        },
    )
    application = partner.application
    context = {"partner": partner, "changes": changes, "currency": application.call.currency}
    for member in acting_members([partner.organisation_id]):
        mail.send(
            member.email,
            _l("Your partnership confirmation was voided"),
            "email/partner_confirmation_voided.txt",
            locale=member.locale,
            about=application.id,
            member=member,
            link=url_for("partners.invitation", partner_id=partner.id, _external=True),
            application=application,
            **context,
        )
    tell_lead(
        application,
        _l("A partner's confirmation was voided"),
        "email/partner_confirmation_voided.txt",
        **context,
    )


def change_role(partner: Partner, role: str) -> bool:
    """Change the partner's role; a confirmed partner must confirm again. False when nothing
    changed."""
    if role == partner.role:
        return False
    before = snapshot(partner, PARTNER_FIELDS)
    partner.role = role
    record("change_partner_role", partner, before=before, after=snapshot(partner, PARTNER_FIELDS))
    review_confirmations(partner.application)
    return True


def confirm(actor: User, partner: Partner, summary: BudgetSummary, seen: str) -> None:
    application = partner.application
    if not is_editable(application):
        raise Refused(CLOSED)
    if seen != fingerprint(partner, summary):
        raise Refused(
            N_("The application changed while you were reading it. Read it again, then confirm.")
        )
    if partner.status is PartnerStatus.confirmed:  # a second click, another tab
        raise Refused(N_("Your organisation has already confirmed this partnership."))
    before = snapshot(partner, PARTNER_FIELDS)
    partner.confirmed_at, partner.confirmed_by_id, partner.declined_at = now_utc(), actor.id, None
    partner.confirmed_share = summary.share(partner.organisation_id)
    partner.confirmed_role = partner.role
    partner.confirmed_terms = current_terms(partner, summary)
    partner.decline_reason = ""
    move_partner(
        partner,
        PartnerStatus.confirmed,
        action="confirm_partnership",
        before=before,
        after=lambda: snapshot(partner, PARTNER_FIELDS),
    )
    tell_lead(
        application,
        _l("%(partner)s confirmed its partnership", partner=partner.organisation.name),
        "email/partner_confirmed.txt",
        partner=partner,
        actor=actor,
    )


def decline(actor: User, partner: Partner, reason: str) -> None:
    application = partner.application
    if not is_editable(application):
        raise Refused(CLOSED)
    if partner.status is PartnerStatus.declined:  # a second click, another tab
        raise Refused(N_("Your organisation has already declined this partnership."))
    before = snapshot(partner, PARTNER_FIELDS)
    partner.declined_at = now_utc()
    partner.confirmed_at = partner.confirmed_by_id = partner.confirmed_share = (
        partner.confirmed_terms
    ) = None
    partner.confirmed_role = ""
    partner.decline_reason = reason
    move_partner(
        partner,
        PartnerStatus.declined,
        action="decline_partnership",
        before=before,
        after=lambda: {**snapshot(partner, PARTNER_FIELDS), "reason": reason},
    )
    tell_lead(
        application,
        _l("%(partner)s declined your partnership", partner=partner.organisation.name),
        "email/partner_declined.txt",
        partner=partner,
        actor=actor,
        reason=reason,
    )
