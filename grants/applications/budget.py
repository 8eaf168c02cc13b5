"""Budget view helpers: a call's limits for the rules, totals, shares, and each problem in the
reader's language.

The figures come from grants.rules.budget (the authority); this module only maps models to the
rules' plain data and words every problem with the limit and by how much it is missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from grants.calls.presenters import rate_percent
from grants.i18n import money
from grants.models import Application, Call, PartnerStatus
from grants.rules.budget import (
    BudgetLimits,
    BudgetLine,
    BudgetTotals,
    Problem,
    cap,
    check_budget,
    check_lines,
    compute_totals,
    line_total,
    shares_by_organisation,
)


def rule_line(
    heading: int, quantity: Decimal, unit_cost: Decimal, organisation_id: int
) -> BudgetLine:
    """A line for the rules; the organisation's key is its id as text."""
    return BudgetLine(
        heading=heading, quantity=quantity, unit_cost=unit_cost, organisation=str(organisation_id)
    )


def saved_line_total(line) -> Decimal:
    """A saved line's quantity x unit cost, rounded as the rules round it."""
    return line_total(rule_line(line.heading, line.quantity, line.unit_cost, line.organisation_id))


def rule_lines(application: Application) -> list[BudgetLine]:
    return [
        rule_line(line.heading, line.quantity, line.unit_cost, line.organisation_id)
        for line in application.budget_lines
    ]


def partnership(application: Application) -> dict[int, str]:
    """The organisations that may incur costs, lead first: the lead and every partner that has not
    declined."""
    members = {application.lead_id: application.lead.name}
    members |= {
        p.organisation_id: p.organisation.name
        for p in application.partners
        if p.status is not PartnerStatus.declined
    }
    return members


@dataclass(frozen=True)
class Share:
    name: str
    direct: Decimal
    fraction: Decimal | None  # of the direct costs


@dataclass(frozen=True)
class BudgetReport:
    totals: BudgetTotals
    problems: list[Problem]
    messages: list[str]
    shares: list[Share]


def budget_problems(
    lines: list[BudgetLine], totals: BudgetTotals, limits: BudgetLimits
) -> list[Problem]:
    """Every money limit the budget misses; the duration is the project page's (checked there)."""
    return check_lines(lines) + check_budget(totals, limits.duration_min, limits)


def budget_report(
    call: Call,
    lines: list[BudgetLine],
    indirect: Decimal,
    contingency: Decimal,
    requested_grant: Decimal,
    names: dict[int, str],
) -> BudgetReport:
    limits = call.budget_limits()
    totals = compute_totals(lines, indirect, contingency, requested_grant)
    problems = budget_problems(lines, totals, limits)
    found = shares_by_organisation(lines)
    keys = [str(org_id) for org_id in names] + [key for key in found if int(key) not in names]
    shares = [
        Share(
            names.get(int(key), "–"),
            found.get(key, Decimal("0.00")),
            found.get(key, Decimal("0.00")) / totals.direct if totals.direct else None,
        )
        for key in keys
    ]
    return BudgetReport(
        totals, problems, [problem_message(p, totals, limits) for p in problems], shares
    )


def application_report(application: Application) -> BudgetReport:
    """The saved budget of an application."""
    names = partnership(application)
    names |= {
        line.organisation_id: line.organisation.name
        for line in application.budget_lines
        if line.organisation_id not in names
    }
    return budget_report(
        application.call,
        rule_lines(application),
        application.indirect,
        application.contingency,
        application.requested_grant,
        names,
    )


def problem_message(problem: Problem, totals: BudgetTotals, limits: BudgetLimits) -> str:
    """The problem in the reader's language: the limit, the actual figure and the gap."""
    cur = limits.currency

    def m(amount: Decimal) -> str:
        return money(amount, cur)

    code = problem.code
    if code in {"grant_below_min", "grant_above_max"}:
        gap = abs(problem.limit - problem.actual)
        params = {"actual": m(problem.actual), "limit": m(problem.limit), "gap": m(gap)}
        if code == "grant_below_min":
            return _(
                "Requested grant %(actual)s is below the minimum of %(limit)s by %(gap)s.", **params
            )
        return _(
            "Requested grant %(actual)s is above the maximum of %(limit)s by %(gap)s.", **params
        )
    if code in {"rate_below_min", "rate_above_max"}:
        allowed = cap(problem.limit, totals.total_eligible)
        params = {
            "rate": rate_percent(totals.requested_grant / totals.total_eligible),
            "limit": rate_percent(problem.limit),
            "amount": m(allowed),
            "gap": m(abs(allowed - totals.requested_grant)),
        }
        if code == "rate_below_min":
            return _(
                "Grant rate %(rate)s is below the minimum of %(limit)s: the requested grant must "
                "be at "
                "least %(amount)s, short by %(gap)s.",
                **params,
            )
        return _(
            "Grant rate %(rate)s is above the maximum of %(limit)s: the requested grant may be at "
            "most "
            "%(amount)s, over by %(gap)s.",
            **params,
        )
    if code == "no_eligible_costs":
        return _(
            "Requested grant %(actual)s has no eligible costs to cover: the total eligible costs "
            "are "
            "%(total)s.",
            actual=m(totals.requested_grant),
            total=m(totals.total_eligible),
        )
    if code in {"indirect_above_cap", "contingency_above_cap"}:
        params = {
            "actual": m(problem.actual),
            "limit": m(problem.limit),
            "gap": m(problem.actual - problem.limit),
        }
        if code == "indirect_above_cap":
            return _(
                "Indirect costs %(actual)s are above the cap of %(rate)s of direct costs "
                "(%(limit)s) by "
                "%(gap)s.",
                rate=rate_percent(limits.indirect_rate),
                **params,
            )
        return _(
            "Contingency reserve %(actual)s is above the cap of %(rate)s of direct costs "
            "(%(limit)s) by "
            "%(gap)s.",
            rate=rate_percent(limits.contingency_rate),
            **params,
        )
    return problem.message
