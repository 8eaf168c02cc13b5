"""Who may lead and who may partner an application (docs/domain.md 2, eligibility)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from .problems import Problem

__all__ = [
    "EligibilityRules",
    "Party",
    "Problem",
    "check_applications_per_lead",
    "check_partnership",
    "is_eligible_lead",
    "is_eligible_partner",
]


@dataclass(frozen=True)
class Party:
    """An organisation in a partnership: its key, type and ISO country code."""

    key: str
    type: str
    country: str


@dataclass(frozen=True)
class EligibilityRules:
    lead_countries: Collection[str]
    lead_types: Collection[str]
    partner_countries: Collection[str]
    partner_types: Collection[str]
    partners_min: int = 1
    partners_max: int = 3
    country_groups: Sequence[Collection[str]] = field(default_factory=list)
    max_applications_per_lead: int = 1


def is_eligible_lead(party: Party, rules: EligibilityRules) -> bool:
    return party.type in rules.lead_types and party.country in rules.lead_countries


def is_eligible_partner(party: Party, rules: EligibilityRules) -> bool:
    return party.type in rules.partner_types and party.country in rules.partner_countries


def check_partnership(
    lead: Party, partners: Sequence[Party], rules: EligibilityRules
) -> list[Problem]:
    """Every eligibility rule the partnership breaks.

    The partner count is the number of distinct partners other than the lead; a lead listed as
    its own partner, or a partner listed twice, is reported on its own as well.
    """
    problems: list[Problem] = []
    if lead.type not in rules.lead_types:
        problems.append(
            Problem(
                "lead",
                "lead_type_not_allowed",
                frozenset(rules.lead_types),
                lead.type,
                f"The lead applicant's type '{lead.type}' may not lead an application",
            )
        )
    if lead.country not in rules.lead_countries:
        problems.append(
            Problem(
                "lead",
                "lead_country_not_allowed",
                frozenset(rules.lead_countries),
                lead.country,
                f"A lead applicant from {lead.country} is not eligible in this call",
            )
        )

    seen: set[str] = set()
    for party in partners:
        where = f"partners.{party.key}"
        if party.key == lead.key:
            problems.append(
                Problem(
                    where,
                    "lead_is_partner",
                    None,
                    party.key,
                    "The lead applicant cannot also be its own partner",
                )
            )
            continue
        if party.key in seen:
            problems.append(
                Problem(
                    where,
                    "duplicate_partner",
                    None,
                    party.key,
                    f"Partner '{party.key}' is listed more than once",
                )
            )
            continue
        seen.add(party.key)
        if party.type not in rules.partner_types:
            problems.append(
                Problem(
                    where,
                    "partner_type_not_allowed",
                    frozenset(rules.partner_types),
                    party.type,
                    f"Partner '{party.key}': type '{party.type}' may not be a partner",
                )
            )
        if party.country not in rules.partner_countries:
            problems.append(
                Problem(
                    where,
                    "partner_country_not_allowed",
                    frozenset(rules.partner_countries),
                    party.country,
                    f"Partner '{party.key}': organisations from {party.country}"
                    " are not eligible partners in this call",
                )
            )

    count = len(seen)
    if count < rules.partners_min:
        problems.append(
            Problem(
                "partners",
                "too_few_partners",
                rules.partners_min,
                count,
                f"The application has {count} partner(s), fewer than the minimum of"
                f" {rules.partners_min} by {rules.partners_min - count}",
            )
        )
    if count > rules.partners_max:
        problems.append(
            Problem(
                "partners",
                "too_many_partners",
                rules.partners_max,
                count,
                f"The application has {count} partners, more than the maximum of"
                f" {rules.partners_max} by {count - rules.partners_max}",
            )
        )

    present = {lead.country} | {p.country for p in partners if p.key != lead.key}
    for group in rules.country_groups:
        if not present & set(group):
            problems.append(
                Problem(
                    "partners",
                    "country_group_missing",
                    frozenset(group),
                    frozenset(present),
                    "The partnership must include an organisation from " + _one_of(sorted(group)),
                )
            )
    return problems


def check_applications_per_lead(other_applications: int, rules: EligibilityRules) -> list[Problem]:
    """`other_applications`: the lead's applications in this call that are not withdrawn."""
    if other_applications + 1 <= rules.max_applications_per_lead:
        return []
    return [
        Problem(
            "lead",
            "too_many_applications",
            rules.max_applications_per_lead,
            other_applications + 1,
            f"The lead applicant may send at most {rules.max_applications_per_lead}"
            f" application(s) to this call and already has {other_applications}",
        )
    ]


def _one_of(countries: list[str]) -> str:
    return countries[0] if len(countries) == 1 else "one of: " + ", ".join(countries)
