"""Who may see and act on a grant's reports (grants/contracts/access.py decides who sees the grant):
a report of a grant the user may not see, or of another grant, answers 404."""

from __future__ import annotations

from grants.access import load_or_404
from grants.contracts.access import grant_or_404, is_lead_member, lead_grant_or_404
from grants.models import Grant, GrantReport, User
from grants.reporting.queries import report_of

__all__ = ["grant_or_404", "is_lead_member", "lead_grant_or_404", "report_or_404"]


def report_or_404(grant: Grant, report_id: int) -> GrantReport:
    return load_or_404(report_of(grant, report_id))


def may_write(user: User, grant: Grant) -> bool:
    """The lead's members write the reports; staff and partners read them."""
    return is_lead_member(user, grant)
