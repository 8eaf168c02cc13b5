"""Who may start an application in a call (docs/domain.md 1 and 3), as pure functions over plain
data.

A user starts an application for the organisation they act for: a verified organisation (not
rejected, its verified identity unchanged), with their e-mail address confirmed and their membership
verified. The call must be published and open (from its opening to the deadline of its first stage),
the organisation must be eligible to lead in it, and it may not have more applications in the call
that are not withdrawn than the call allows. Each refusal is an `Issue` (a message marked with `N_`
and its parameters) that the caller translates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .eligibility import EligibilityRules, Party, is_eligible_lead
from .problems import N_, Issue, Moment

__all__ = ["Member", "Opening", "acting_refusal", "start_refusals", "window_refusal"]


@dataclass(frozen=True)
class Member:
    """A user as the one who would act for their organisation (`organisation` None: they belong to
    none)."""

    email: str
    email_confirmed: bool
    member_verified: bool  # a member verification is recorded
    active: bool
    organisation: str | None = None  # its name
    verified: bool = False  # the organisation
    rejected: bool = False
    identity_changed: bool = False  # since staff verified it (it is then no longer verified)


@dataclass(frozen=True)
class Opening:
    """When a call takes new applications: published, from `opens_at` until the first stage's
    `deadline`."""

    reference: str
    published: bool
    opens_at: datetime
    deadline: datetime
    timezone: str  # the call's: dates are shown in it


def acting_refusal(member: Member) -> Issue | None:
    """Why the user cannot act for an organisation, or None when they can."""
    name = {"name": member.organisation}
    if member.organisation is None:
        return Issue(
            "",
            N_(
                "Your account does not belong to an organisation. Register your local authority "
                "first."
            ),
        )
    if member.rejected:
        return Issue(
            "",
            N_(
                "The programme staff rejected the registration of %(name)s: its members cannot act "
                "for "
                "it."
            ),
            name,
        )
    if not member.verified and member.identity_changed:
        return Issue(
            "",
            N_(
                "The name, type, country or legal identifier of %(name)s changed since the "
                "programme "
                "staff verified it, so they must verify it again. Until then its applications "
                "cannot be "
                "started, changed or submitted."
            ),
            name,
        )
    if not member.verified:
        return Issue(
            "",
            N_(
                "%(name)s has not been verified by the programme staff yet: applications can be "
                "started "
                "once it is."
            ),
            name,
        )
    if not member.email_confirmed:
        return Issue(
            "",
            N_("Confirm your e-mail address first, with the link we sent to %(email)s."),
            {"email": member.email},
        )
    if not (member.member_verified and member.active):
        return Issue(
            "",
            N_(
                "Your membership of %(name)s is waiting for verification by one of its members or "
                "by "
                "the programme staff."
            ),
            name,
        )
    return None


def window_refusal(call: Opening, now: datetime) -> Issue | None:
    """Why the call takes no new application at `now`, or None."""
    if not call.published:
        return Issue(
            "",
            N_("The call %(reference)s is not open for applications."),
            {"reference": call.reference},
        )
    if now < call.opens_at:
        return Issue(
            "",
            N_("The call %(reference)s opens for applications on %(date)s."),
            {"reference": call.reference, "date": Moment(call.opens_at, call.timezone)},
        )
    if now >= call.deadline:
        return Issue(
            "",
            N_(
                "The deadline of the call %(reference)s (%(date)s) has passed: no new application "
                "can be "
                "started."
            ),
            {"reference": call.reference, "date": Moment(call.deadline, call.timezone)},
        )
    return None


def lead_refusal(lead: Party, rules: EligibilityRules) -> Issue | None:
    """Why the organisation may not lead an application in the call, or None: its type first, then
    its country."""
    if is_eligible_lead(lead, rules):
        return None
    if lead.type not in rules.lead_types:
        return Issue("", N_("Your type of organisation may not lead an application in this call."))
    return Issue(
        "",
        N_("Organisations from %(country)s may not lead an application in this call."),
        {"country": lead.country},
    )


def count_refusal(others: int, rules: EligibilityRules) -> Issue | None:
    """`others`: the organisation's applications in the call that are not withdrawn (drafts
    count)."""
    if others < rules.max_applications_per_lead:
        return None
    return Issue(
        "",
        N_(
            "Your organisation already has %(count)s application(s) in this call that are not "
            "withdrawn; "
            "a lead applicant may send at most %(limit)s."
        ),
        {"count": others, "limit": rules.max_applications_per_lead},
    )


def start_refusals(
    member: Member,
    lead: Party | None,
    call: Opening,
    rules: EligibilityRules,
    others: int,
    now: datetime,
) -> list[Issue]:
    """Every reason the member's organisation (`lead`) cannot start an application in the call now;
    only the first if the user cannot act for an organisation at all."""
    acting = acting_refusal(member)
    if acting is not None or lead is None:
        return [acting] if acting is not None else []
    found = [window_refusal(call, now), lead_refusal(lead, rules), count_refusal(others, rules)]
    return [issue for issue in found if issue is not None]
