"""Whether an application may be submitted (docs/domain.md 3): one pure function over plain data, no
Flask.

`check_submission(facts, now)` returns every `Blocker`: a stable code, an English message marked
with N_ and its %(name)s parameters (the web layer translates it and formats datetimes in the
call's zone), `fix`, the page where the applicant fixes it (call, dashboard, project, partnership,
budget, logframe or attachments) and the field there. Eligibility and money blockers keep the rule's
`Problem`, so that they read as on the partnership and budget pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .budget import BudgetLimits, BudgetLine, check_budget, compute_totals
from .eligibility import EligibilityRules, Party, check_applications_per_lead, check_partnership
from .logframe import ResultFacts, logframe_gaps
from .problems import N_, Problem

REQUIRED_FIELDS = {
    "title": N_("Enter the project title."),
    "acronym": N_("Enter the project acronym."),
    "theme": N_("Choose the project theme."),
    "summary": N_("Enter the project summary."),
    "objectives": N_("Enter the project objectives."),
    "activities": N_("Enter the project activities."),
    "expected_results": N_("Enter the expected results."),
    "start_month": N_("Enter the start month."),
    "duration_months": N_("Enter the duration in months."),
}


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str
    params: dict = field(default_factory=dict)
    fix: str = "project"
    anchor: str = ""  # the field to go to, on the page where it is fixed
    problem: Problem | None = None  # the rule's own record, for eligibility and money limits

    def __str__(self) -> str:
        return (
            self.message % {k: str(v) for k, v in self.params.items()}
            if self.params
            else self.message
        )


@dataclass(frozen=True)
class PartnerFacts:
    party: Party  # key: the organisation's id as text
    name: str
    status: str  # proposed, confirmed or declined
    has_statement: bool
    registered: bool = True  # False: invited by e-mail, nobody has registered it yet
    verified: bool = True  # the organisation is verified by programme staff


@dataclass(frozen=True)
class SubmissionFacts:
    stage: str  # concept_note or full_application
    call_published: bool
    opens_at: datetime
    deadline: datetime  # the stage's deadline, exclusive
    has_lots: bool
    lot_chosen: bool
    fields: dict[str, object]
    lead: Party
    partners: list[PartnerFacts]
    has_declaration: bool
    rules: EligibilityRules
    limits: BudgetLimits
    lines: list[BudgetLine]
    indirect: Decimal
    contingency: Decimal
    requested_grant: Decimal
    other_applications: int
    # the call requires a complete logical framework (Call.logframe_required); its results
    logframe_required: bool = False
    results: tuple[ResultFacts, ...] = ()


def check_submission(facts: SubmissionFacts, now: datetime) -> list[Blocker]:
    """Every reason the application cannot be submitted at `now` (server time, aware UTC)."""
    return (
        _window(facts, now)
        + _required(facts)
        + _partnership(facts)
        + _budget(facts)
        + _logframe(facts)
        + _attachments(facts)
    )


def _window(facts: SubmissionFacts, now: datetime) -> list[Blocker]:
    if not facts.call_published:
        return [Blocker("call_not_open", N_("The call is not open for submissions."), fix="call")]
    if now < facts.opens_at:
        return [
            Blocker(
                "call_not_yet_open",
                N_("The call opens for submissions on %(opens)s."),
                {"opens": facts.opens_at},
                "call",
            )
        ]
    if now >= facts.deadline:
        message = (
            N_(
                "The concept-note deadline (%(deadline)s) has passed: concept notes are no longer "
                "accepted."
            )
            if facts.stage == "concept_note"
            else N_("The deadline (%(deadline)s) has passed: applications are no longer accepted.")
        )
        return [Blocker("deadline_passed", message, {"deadline": facts.deadline}, "call")]
    return []


def _required(facts: SubmissionFacts) -> list[Blocker]:
    blockers = [
        Blocker(f"missing_{name}", message, anchor=name)
        for name, message in REQUIRED_FIELDS.items()
        if _blank(facts.fields.get(name))
    ]
    if facts.has_lots and not facts.lot_chosen:
        blockers.append(
            Blocker("missing_lot", N_("Choose the lot the application is for."), anchor="lot")
        )
    return blockers


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_NOT_CONFIRMED = {  # (registered, verified): the step the partner is at
    (False, False): N_(
        "%(name)s has not registered yet: its contact person registers from the invitation e-mail, "
        "programme staff verify the organisation, then it confirms its participation."
    ),
    (True, False): N_(
        "%(name)s has registered but programme staff have not verified it yet; once they have, it "
        "confirms its participation."
    ),
    (True, True): N_("%(name)s has not confirmed its participation yet."),
}
_NOT_CONFIRMED[False, True] = _NOT_CONFIRMED[True, True]


def _partnership(facts: SubmissionFacts) -> list[Blocker]:
    """The eligibility rules over the partners that have not declined; then every confirmation."""
    taking_part = [p.party for p in facts.partners if p.status != "declined"]
    blockers = [
        Blocker(problem.code, "%(text)s", {"text": problem.message}, "partnership", problem=problem)
        for problem in check_partnership(facts.lead, taking_part, facts.rules)
    ]
    blockers += [
        Blocker(
            problem.code,
            N_(
                "Your organisation already has another application in this call that is"
                " not withdrawn; a lead applicant may send at most %(limit)s. Withdraw"
                " the other one first."
            ),
            {"limit": problem.limit},
            "dashboard",
        )
        for problem in check_applications_per_lead(facts.other_applications, facts.rules)
    ]
    for partner in facts.partners:
        if partner.status == "declined":
            blockers.append(
                Blocker(
                    "partner_declined",
                    N_("%(name)s declined to take part: remove it or propose another partner."),
                    {"name": partner.name},
                    "partnership",
                )
            )
        elif partner.status != "confirmed":
            blockers.append(
                Blocker(
                    "partner_not_confirmed",
                    _NOT_CONFIRMED[partner.registered, partner.verified],
                    {"name": partner.name},
                    "partnership",
                )
            )
    return blockers


DURATION = {
    "duration_below_min": N_(
        "The duration of %(actual)s months is below the call's minimum of %(limit)s months."
    ),
    "duration_above_max": N_(
        "The duration of %(actual)s months is above the call's maximum of %(limit)s months."
    ),
}


def _budget(facts: SubmissionFacts) -> list[Blocker]:
    """The call's money limits (each Blocker keeps the rule's Problem for the budget page's wording)
    and its duration limits."""
    blockers = (
        []
        if facts.lines
        else [Blocker("no_budget_lines", N_("Add at least one budget line."), fix="budget")]
    )
    totals = compute_totals(facts.lines, facts.indirect, facts.contingency, facts.requested_grant)
    duration = facts.fields.get("duration_months")
    problems = check_budget(
        totals, duration if isinstance(duration, int) else facts.limits.duration_min, facts.limits
    )
    for problem in problems:
        if problem.code in DURATION:
            blockers.append(
                Blocker(
                    problem.code,
                    DURATION[problem.code],
                    {"actual": problem.actual, "limit": problem.limit},
                    "project",
                    "duration_months",
                )
            )
        else:
            anchor = "requested_grant" if problem.field == "grant_rate" else problem.field
            blockers.append(
                Blocker(
                    problem.code, "%(text)s", {"text": problem.message}, "budget", anchor, problem
                )
            )
    return blockers


def _logframe(facts: SubmissionFacts) -> list[Blocker]:
    """When the call requires it, every gap of the logical framework (grants.rules.logframe)."""
    if not facts.logframe_required:
        return []
    return [
        Blocker(
            f"logframe_{issue.field.rsplit('-', 1)[-1]}",
            issue.message,
            issue.params,
            "logframe",
            issue.field,
        )
        for issue in logframe_gaps(facts.results)
    ]


def _attachments(facts: SubmissionFacts) -> list[Blocker]:
    blockers = (
        []
        if facts.has_declaration
        else [
            Blocker(
                "missing_declaration",
                N_("Upload the lead applicant's signed declaration."),
                fix="attachments",
            )
        ]
    )
    seen: set[str] = set()
    for partner in facts.partners:
        if not partner.has_statement and partner.party.key not in seen:
            blockers.append(
                Blocker(
                    "missing_statement",
                    N_("Upload the partnership statement of %(name)s."),
                    {"name": partner.name},
                    "attachments",
                )
            )
        seen.add(partner.party.key)
    return blockers
