"""Reads of the amendments pages: a grant's requests, the kinds waiting for a decision, the accepted
costs a termination counts, and who is told."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from grants.auth.queries import acting_members, staff_members
from grants.extensions import db
from grants.models import (
    Grant,
    GrantAmendment,
    GrantBudgetLine,
    GrantReport,
    GrantReportLine,
    Organisation,
    User,
)
from grants.rules.grant_closure import termination_recovery
from grants.rules.grant_status import AmendmentKind, AmendmentStatus, ReportStatus
from grants.rules.grant_terms import grant_rate

ZERO = Decimal("0.00")


def amendments(grant_id: int) -> list[GrantAmendment]:
    return list(
        db.session.scalars(
            select(GrantAmendment)
            .where(GrantAmendment.grant_id == grant_id)
            .order_by(GrantAmendment.id.desc())
        )
    )


def open_kinds(grant_id: int) -> set[AmendmentKind]:
    return set(
        db.session.scalars(
            select(GrantAmendment.kind).where(
                GrantAmendment.grant_id == grant_id,
                GrantAmendment.status == AmendmentStatus.requested,
            )
        )
    )


def amendment_of(grant_id: int, amendment_id: int) -> GrantAmendment | None:
    return db.session.scalar(
        select(GrantAmendment).where(
            GrantAmendment.id == amendment_id, GrantAmendment.grant_id == grant_id
        )
    )


def names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())


def line_names(grant: Grant) -> dict[int, GrantBudgetLine]:
    """Every budget line of every version, by id (a request names the lines of its version)."""
    return {line.id: line for version in grant.versions for line in version.lines}


def organisations_to_add(grant: Grant) -> list[tuple[int, str]]:
    """Verified organisations that take no part in the grant yet, by name."""
    taken = {grant.application.lead_id} | {p.organisation_id for p in grant.application.partners}
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.country)
        .where(
            Organisation.verified_at.is_not(None),
            Organisation.merged_into_id.is_(None),
            Organisation.rejected_at.is_(None),
        )
        .order_by(Organisation.name)
    )
    return [(row.id, f"{row.name} ({row.country})") for row in rows if row.id not in taken]


@dataclass(frozen=True)
class Accepted:
    direct: Decimal
    indirect: Decimal
    contingency: Decimal

    @property
    def total(self) -> Decimal:
        return self.direct + self.indirect + self.contingency


def accepted_parts(grant: Grant) -> Accepted:
    """The costs accepted in the grant's approved reports: direct costs as staff accepted them line
    by line; indirect costs up to the call's indirect rate of those (domain.md 7, Final amount);
    contingency up to what staff authorised."""
    direct = db.session.scalar(
        select(func.coalesce(func.sum(GrantReportLine.accepted), 0))
        .join(GrantReport, GrantReport.id == GrantReportLine.report_id)
        .where(GrantReport.grant_id == grant.id, GrantReport.status == ReportStatus.approved)
    )
    indirect, contingency = db.session.execute(
        select(
            func.coalesce(func.sum(GrantReport.reported_indirect), 0),
            func.coalesce(func.sum(GrantReport.reported_contingency), 0),
        ).where(GrantReport.grant_id == grant.id, GrantReport.status == ReportStatus.approved)
    ).one()
    direct = Decimal(direct).quantize(Decimal("0.01"))
    rate = grant.grant_terms().indirect_rate
    return Accepted(
        direct,
        min(Decimal(indirect), rate * direct),
        min(Decimal(contingency), grant.authorised_contingency),
    )


def accepted_costs(grant: Grant) -> Decimal:
    return accepted_parts(grant).total


def grant_staff() -> list[User]:
    return staff_members()


def lead_members(grant: Grant) -> list[User]:
    return acting_members([grant.application.lead_id])


def recovery_of(grant: Grant) -> tuple[Decimal, Decimal]:
    """(accepted costs, recovery) were the grant terminated now (docs/domain.md 7: "Termination
    by staff, with a reason, recovers the pre-financing not covered by accepted costs")."""
    accepted = accepted_costs(grant)
    rate = grant_rate(grant.max_grant, grant.contract_total)
    return accepted, termination_recovery(grant.prefinancing_paid, accepted, rate)
