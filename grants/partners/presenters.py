"""The partnership and budget-share rules presented for stored calls and applications: the adapters
from the models to grants.rules.eligibility and budget, and the problems worded for the partnership
pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import flash
from flask_babel import gettext as _

from grants.auth.choices import country_name
from grants.i18n import money
from grants.models import Application, PartnerStatus
from grants.rules import budget, eligibility
from grants.rules.confirmation import Change
from grants.rules.problems import Problem


def partnership_problems(application: Application) -> list[str]:
    """What the partnership breaks in its call's rules, as sentences; declined partners do not
    count."""
    partners = [
        p.organisation for p in application.partners if p.status is not PartnerStatus.declined
    ]
    names = {str(o.id): o.name for o in [application.lead, *partners]}
    found = eligibility.check_partnership(
        application.lead.party(),
        [o.party() for o in partners],
        application.call.eligibility_rules(),
    )
    return [describe(problem, names) for problem in found]


def describe(problem: Problem, names: dict[str, str]) -> str:
    """A problem in the user's language; `names` maps organisation keys to names."""
    name = names.get(problem.field.removeprefix("partners."), "")
    listed = (
        ", ".join(sorted(problem.limit)) if isinstance(problem.limit, frozenset) else problem.limit
    )
    texts = {
        "lead_type_not_allowed": _(
            "The lead applicant's type of organisation may not lead an application in this call."
        ),
        "lead_country_not_allowed": _(
            "A lead applicant from %(country)s is not eligible in this call.",
            country=problem.actual,
        ),
        "lead_is_partner": _("The lead applicant cannot also be its own partner."),
        "duplicate_partner": _("%(name)s is listed more than once.", name=name),
        "partner_type_not_allowed": _(
            "%(name)s: this type of organisation may not be a partner in this call.", name=name
        ),
        "partner_country_not_allowed": _(
            "%(name)s: organisations from %(country)s are not eligible partners in this call.",
            name=name,
            country=problem.actual,
        ),
        "too_few_partners": _(
            "The application has %(count)s partner(s), fewer than the minimum of %(min)s.",
            count=problem.actual,
            min=problem.limit,
        ),
        "too_many_partners": _(
            "The application has %(count)s partners, more than the maximum of %(max)s.",
            count=problem.actual,
            max=problem.limit,
        ),
        "country_group_missing": _(
            "The partnership must include an organisation from one of: %(countries)s.",
            countries=listed,
        ),
    }
    return texts.get(problem.code, problem.message)


@dataclass(frozen=True)
class BudgetSummary:
    totals: budget.BudgetTotals
    shares: dict[int, Decimal]  # direct costs per organisation id

    def share(self, organisation_id: int) -> Decimal:
        return self.shares.get(organisation_id, Decimal("0.00"))


def budget_summary(application: Application) -> BudgetSummary:
    lines = [
        budget.BudgetLine(
            heading=line.heading,
            quantity=line.quantity,
            unit_cost=line.unit_cost,
            organisation=str(line.organisation_id),
        )
        for line in application.budget_lines
    ]
    totals = budget.compute_totals(
        lines, application.indirect, application.contingency, application.requested_grant
    )
    shares = {int(key): amount for key, amount in budget.shares_by_organisation(lines).items()}
    return BudgetSummary(totals=totals, shares=shares)


def describe_change(change: Change, currency: str, partner: str) -> str:
    """One change to what a partner confirmed, in the user's language; `partner`: the partner's
    name."""

    def shown(value: object) -> str:
        return "–" if value in (None, "") else str(value)

    money_labels = {
        "direct": _("Direct costs"),
        "indirect": _("Indirect costs"),
        "contingency": _("Contingency reserve"),
        "total_eligible": _("Total eligible costs"),
        "requested_grant": _("Requested grant"),
        "co_financing": _("Co-financing by the partnership"),
        "share": _("Share of %(name)s in the direct costs", name=partner),
    }
    if change.field in money_labels:
        return _(
            "%(what)s: %(before)s before, %(after)s now.",
            what=money_labels[change.field],
            before=money(change.before, currency),
            after=money(change.after, currency),
        )
    if change.field == "duration_months":
        return _(
            "Duration: %(before)s months before, %(after)s months now.",
            before=shown(change.before),
            after=shown(change.after),
        )
    quoted = {"title": _("Title"), "acronym": _("Acronym"), "lot": _("Lot")}
    if change.field in quoted:
        return _(
            "%(what)s: “%(before)s” before, “%(after)s” now.",
            what=quoted[change.field],
            before=shown(change.before),
            after=shown(change.after),
        )
    texts = {
        "summary": _("The summary changed."),
        "objectives": _("The objectives changed."),
        "role": _("The role of %(name)s changed.", name=partner),
        "lines": _("The budget lines of %(name)s changed.", name=partner),
    }
    return texts.get(change.field, _("The application changed since the confirmation."))


def organisation_options(organisations) -> list[tuple[int, str]]:
    """The partner drop-down's options: each organisation with its country."""
    return [(o.id, f"{o.name} ({country_name(o.country)})") for o in organisations]


def partner_lines(partner) -> list:
    """The budget lines the partner incurs, as its confirmation page lists them."""
    application = partner.application
    return [
        line for line in application.budget_lines if line.organisation_id == partner.organisation_id
    ]


def search_args(filters) -> dict[str, str | int]:
    """The search's filters as the pager's links carry them (those given only)."""
    args = {
        "q": filters.q,
        "country": filters.country,
        "type": filters.type,
        "theme": filters.theme,
        "call_id": filters.call.id if filters.call else None,
        "only_eligible": "y" if filters.only_eligible else None,
    }
    return {k: v for k, v in args.items() if v}


def tell_invited(invitation) -> None:
    """The lead's invitation by e-mail went out."""
    flash(
        _(
            "We e-mailed the invitation to %(email)s. %(name)s holds its place in the "
            "partnership while "
            "it registers.",
            email=invitation.email,
            name=invitation.organisation.name,
        ),
        "success",
    )


def tell_registered(org) -> None:
    """The invited partner registered its organisation: what happens next."""
    flash(
        _(
            "%(name)s is registered. Programme staff will now verify it; we will e-mail "
            "you once they have. "
            "Then open “Partnership invitations” to confirm your participation.",
            name=org.name,
        ),
        "success",
    )
