"""A grant's reports (docs/domain.md 7, Reports and Final amount): whether a report is overdue,
what stops its submission, what staff may accept of a reported cost, and the contract headings
the final amount is computed on. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .grant_closure import Heading
from .grant_status import ReportStatus
from .problems import N_, Issue

__all__ = [
    "CostLine",
    "ReviewedLine",
    "contract_headings",
    "is_overdue",
    "review_issues",
    "submission_blockers",
]

ZERO = Decimal("0.00")
# a report is with staff or done: it can no longer be late
HANDED_IN = frozenset({ReportStatus.submitted, ReportStatus.approved})


def is_overdue(due_on: date, today: date, status: ReportStatus | None) -> bool:
    """A report not yet sent (not started, a draft or returned) after its due date."""
    return status not in HANDED_IN and today > due_on


@dataclass(frozen=True)
class CostLine:
    """A contract budget line as a report reads it: its heading, contract amount and the reported
    actual cost (None: not given)."""

    heading: int
    amount: Decimal
    actual: Decimal | None = None


@dataclass(frozen=True)
class ReviewedLine:
    """What staff accepted of a reported cost, and why any part was set aside."""

    actual: Decimal
    accepted: Decimal | None
    reason: str = ""


def submission_blockers(
    activities: str,
    actuals: Iterable[Decimal | None],
    achieved: Iterable[Decimal | None],
    needs_verification: bool,
    has_verification: bool,
) -> list[Issue]:
    """Every reason the report cannot be sent yet: the activities not described, a budget line
    without its actual cost (0 is a value), an indicator without its achieved value, and, when the
    final report needs one, the expenditure verification report not uploaded."""
    issues = []
    if not activities.strip():
        issues.append(Issue("activities", N_("Describe the activities done.")))
    missing = sum(1 for value in actuals if value is None)
    if missing:
        issues.append(
            Issue(
                "lines",
                N_("Give the actual cost of every budget line (0 if none): %(n)d missing."),
                {"n": missing},
            )
        )
    missing = sum(1 for value in achieved if value is None)
    if missing:
        issues.append(
            Issue(
                "indicators",
                N_("Give the achieved value of every indicator: %(n)d missing."),
                {"n": missing},
            )
        )
    if needs_verification and not has_verification:
        issues.append(
            Issue(
                "verification",
                N_(
                    "Upload the expenditure verification report (the auditor's PDF): this grant's "
                    "maximum is above the threshold."
                ),
            )
        )
    return issues


def review_issues(line: ReviewedLine) -> list[Issue]:
    """What is wrong with the accepted amount of one line: none given, negative, above what was
    reported, or part set aside without a reason."""
    if line.accepted is None:
        return [Issue("accepted", N_("Give the accepted amount."))]
    if line.accepted < 0:
        return [Issue("accepted", N_("An amount cannot be negative."))]
    if line.accepted > line.actual:
        return [Issue("accepted", N_("The accepted amount cannot exceed the reported cost."))]
    if line.accepted < line.actual and not line.reason.strip():
        return [Issue("reason", N_("Give the reason for the part set aside."))]
    return []


def contract_headings(
    lines: Iterable[tuple[int, Decimal, Decimal]],
) -> list[Heading]:
    """The final amount's headings from (heading, contract amount, accepted) per budget line: the
    heading's contract amount is the sum of its lines' amounts in the current contract version (an
    approved amendment's new amounts included), its accepted costs the sum of theirs."""
    amounts: dict[int, Decimal] = {}
    accepted: dict[int, Decimal] = {}
    for heading, amount, taken in lines:
        amounts[heading] = amounts.get(heading, ZERO) + amount
        accepted[heading] = accepted.get(heading, ZERO) + taken
    return [Heading(str(key), amounts[key], accepted[key]) for key in sorted(amounts)]
