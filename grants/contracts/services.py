"""Contract commands (docs/domain.md 7): prepare the contract of an awarded application.

The contract copies, at preparation: the maximum grant (the awarded amount), the application's
budget as the contract budget (version 1), its duration as the implementation period, the call's
grant numbers (`Call.grant_terms()`, kept on the grant: a later change of the call's settings does
not move a contract), the payment scheme those numbers give, the pre-financing ceiling, and the
logical framework's indicators.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from grants.audit import record
from grants.extensions import db
from grants.models import Application, Call, Grant, GrantBudgetLine, GrantIndicator, GrantVersion
from grants.models.calls import Stage
from grants.models.grants import terms_data
from grants.rules.budget import line_total
from grants.rules.grant_payments import ceiling
from grants.rules.grant_terms import contract_number, grant_rate, scheme_for
from grants.rules.problems import N_, Refused
from grants.rules.transitions import StageStatus


class ContractRefused(Refused):
    """A contract that cannot be prepared or changed as asked."""


def prepare(application: Application, user_id: int | None, now: datetime) -> Grant:
    """The contract (a draft grant) of an awarded application, numbered next in its call.

    One contract per application: a second request (a double click, two tabs) is refused. The
    call's row is locked while the number is taken, so two contracts prepared at once get
    consecutive numbers, without gap or duplicate."""
    db.session.scalar(select(Call.id).where(Call.id == application.call_id).with_for_update())
    if db.session.scalar(select(Grant.id).where(Grant.application_id == application.id)):
        raise ContractRefused(N_("This application already has a contract."))
    stage = application.stage(Stage.full_application)
    if stage is None or stage.status is not StageStatus.awarded or not stage.awarded_amount:
        raise ContractRefused(N_("Only an awarded application gets a contract."))
    if not application.duration_months:
        raise ContractRefused(
            N_("The application gives no duration: the implementation period is unknown."),
            field="months",
        )
    call = application.call
    terms = call.grant_terms()
    lines = [
        GrantBudgetLine(
            position=n,
            heading=line.heading,
            description=line.description,
            amount=line_total(line),
            organisation_id=line.organisation_id,
        )
        for n, line in enumerate(application.budget_lines)
    ]
    total = sum((line.amount for line in lines), application.indirect + application.contingency)
    max_grant = stage.awarded_amount
    grant_rate(max_grant, total)  # refuses a maximum above the total or a budget of zero
    months = application.duration_months
    sequence = (
        db.session.scalar(select(func.max(Grant.sequence)).where(Grant.call_id == call.id)) or 0
    ) + 1
    grant = Grant(
        call_id=call.id,
        application_id=application.id,
        sequence=sequence,
        number=contract_number(call.reference, sequence),
        max_grant=max_grant,
        contract_total=total,
        months=months,
        scheme=scheme_for(months, max_grant, terms),
        terms=terms_data(terms),
        prefinancing_ceiling=ceiling(max_grant, terms),
        created_by_id=user_id,
        created_at=now,
    )
    grant.versions.append(
        GrantVersion(
            number=1,
            max_grant=max_grant,
            contract_total=total,
            indirect=application.indirect,
            contingency=application.contingency,
            months=months,
            lines=lines,
            created_by_id=user_id,
            created_at=now,
        )
    )
    position = 0
    for result in application.results:
        for indicator in result.indicators:
            grant.indicators.append(
                GrantIndicator(
                    position=position,
                    result=result.text,
                    description=indicator.description,
                    unit=indicator.unit,
                    baseline=indicator.baseline or 0,
                    target=indicator.target or 0,
                )
            )
            position += 1
    db.session.add(grant)
    db.session.flush()
    record(
        "grant.prepared",
        grant,
        None,
        {"number": grant.number, "max_grant": max_grant, "status": grant.status},
        user_id,
    )
    return grant
