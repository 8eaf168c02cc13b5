"""Reads of the contract pages: a call's awarded applications and their contracts, the staff's
list of grants, a contract as its page and its PDF present it, the PDF itself, the signed file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from flask import current_app
from flask_babel import force_locale
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from grants import files
from grants.extensions import db
from grants.models import Application, ApplicationStage, Call, Grant, GrantVersion, User
from grants.models.applications import PartnerStatus
from grants.models.calls import Stage
from grants.rules.contract import local_day
from grants.rules.grant_payments import needs_verification, prefinancing, reports_due
from grants.rules.grant_status import GrantStatus
from grants.rules.grant_terms import GrantTerms, Period, grant_rate, reporting_periods
from grants.rules.transitions import StageStatus
from grants.settings.queries import letterhead, logo_bytes
from reports import contract as doc

PER_PAGE = 50
NOMINAL_START = date(2001, 1, 1)  # to count a contract's periods in months before it has a start


@dataclass(frozen=True)
class Award:
    """An awarded application of a call, and its contract once prepared."""

    application: Application
    awarded: Decimal
    grant: Grant | None


def awards(call: Call) -> list[Award]:
    """The call's awarded applications, by reference, with their contracts."""
    rows = db.session.execute(
        select(Application, ApplicationStage.awarded_amount, Grant)
        .join(ApplicationStage, ApplicationStage.application_id == Application.id)
        .outerjoin(Grant, Grant.application_id == Application.id)
        .where(
            Application.call_id == call.id,
            ApplicationStage.stage == Stage.full_application,
            ApplicationStage.status == StageStatus.awarded,
        )
        .options(joinedload(Application.lead))
        .order_by(Application.reference)
    ).all()
    return [Award(application, awarded, grant) for application, awarded, grant in rows]


def awarded_application(call: Call, application_id: int) -> Application | None:
    """The application of this call, whatever its stage (the service says whether it is
    awarded)."""
    return db.session.scalar(
        select(Application).where(Application.id == application_id, Application.call_id == call.id)
    )


def grants_page(call_id: int | None, status: GrantStatus | None, page: int) -> Pagination:
    """Every grant, by call and number, optionally of one call and one status. The page is cut
    from the grants' ids alone, then its 50 grants are read (sorting every grant's whole row, and
    its call's, to keep 50 took most of the page's database time at 5,000 grants)."""
    query = (
        select(Grant.id)
        .join(Call, Call.id == Grant.call_id)
        .order_by(Call.reference, Grant.sequence)
    )
    if call_id:
        query = query.where(Grant.call_id == call_id)
    if status is not None:
        query = query.where(Grant.status == status)
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    ids = list(pagination.items)
    grants = {
        grant.id: grant
        for grant in db.session.scalars(
            select(Grant)
            .where(Grant.id.in_(ids))
            .options(
                joinedload(Grant.call),
                selectinload(Grant.application).joinedload(Application.lead),
            )
        )
    }
    pagination.items = [grants[i] for i in ids if i in grants]
    return pagination


def calls_with_grants() -> list[Call]:
    return list(
        db.session.scalars(
            select(Call).where(Call.id.in_(select(Grant.call_id))).order_by(Call.reference)
        )
    )


def versions(grant: Grant) -> list[GrantVersion]:
    return list(
        db.session.scalars(
            select(GrantVersion)
            .where(GrantVersion.grant_id == grant.id)
            .options(selectinload(GrantVersion.lines))
            .order_by(GrantVersion.number)
        )
    )


def _name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.name if user else ""


def _headings(grant: Grant) -> tuple[doc.Heading, ...]:
    """The current version's budget lines by contract heading, each heading with its total."""
    application = grant.application
    lines = [
        doc.Line(
            line.heading,
            line.description,
            line.organisation.name if line.organisation else application.lead.name,
            line.amount,
        )
        for line in sorted(grant.current.lines, key=lambda line: (line.heading, line.position))
    ]
    return tuple(
        doc.Heading(heading, tuple(group), sum((line.amount for line in group), Decimal("0.00")))
        for heading, group in ((h, list(g)) for h, g in groupby(lines, key=lambda li: li.heading))
    )


def _periods(
    grant: Grant, periods: list[Period], terms: GrantTerms
) -> tuple[doc.ReportingPeriod, ...]:
    """The reporting periods as the contract shows them: months from the start, dates and the
    report's due day once the start date is known."""
    dues = reports_due(periods, periods[-1].end, terms) if grant.start_date else []
    shown_periods, first = [], 1
    for period in periods:
        due = next((d for d in dues if d.period == period.number), None)
        last = period is periods[-1]
        shown_periods.append(
            doc.ReportingPeriod(
                period.number,
                period.months,
                first,
                first + period.months - 1,
                period.start if grant.start_date else None,
                period.end if grant.start_date else None,
                "final" if last else "interim",
                dues[-1].due_on if last and dues else (due.due_on if due else None),
            )
        )
        first += period.months
    return tuple(shown_periods)


def contract(grant: Grant) -> doc.Contract:
    """The contract as its page and its PDF present it, from its current version."""
    application, call, terms = grant.application, grant.call, grant.grant_terms()
    version = grant.current
    headings = _headings(grant)
    periods = reporting_periods(
        grant.start_date or NOMINAL_START, grant.months, grant.scheme, terms
    )
    in_force = local_day(grant.countersigned_at, call.timezone) if grant.countersigned_at else None
    instalments = tuple(
        doc.Instalment(i.period, i.amount, i.payable, i.due_on)
        for i in prefinancing(grant.max_grant, grant.scheme, periods, in_force, terms)
    )
    confirmed = [p for p in application.partners if p.status is PartnerStatus.confirmed]
    return doc.Contract(
        number=grant.number,
        status=grant.status.value,
        call_reference=call.reference,
        call_title=call.title,
        currency=call.currency,
        timezone=call.timezone,
        application_reference=application.reference or "",
        title=application.title,
        lead=doc.Party(
            application.lead.name, application.lead.country, application.lead.address or ""
        ),
        partners=tuple(
            doc.Party(
                p.organisation.name, p.organisation.country, p.organisation.address or "", p.role
            )
            for p in confirmed
        ),
        max_grant=grant.max_grant,
        contract_total=grant.contract_total,
        direct=sum((h.total for h in headings), Decimal("0.00")),
        indirect=version.indirect,
        contingency=version.contingency,
        rate=grant_rate(grant.max_grant, grant.contract_total),
        months=grant.months,
        scheme=grant.scheme.value,
        headings=headings,
        periods=_periods(grant, periods, terms),
        instalments=instalments,
        prefinancing_ceiling=grant.prefinancing_ceiling,
        ceiling_rate=terms.prefinancing_ceiling_rate,
        single_prefinancing_rate=terms.single_prefinancing_rate,
        prefinancing_due_days=terms.prefinancing_due_days,
        instalment_due_days=terms.instalment_due_days,
        instalment_condition_rate=terms.instalment_condition_rate,
        interim_report_days=terms.interim_report_days,
        final_report_days=terms.final_report_days,
        verification_threshold=terms.verification_threshold,
        needs_verification=needs_verification(grant.max_grant, terms),
        heading_flexibility_rate=terms.heading_flexibility_rate,
        account_holder=grant.account_holder,
        iban=grant.iban,
        bic=grant.bic,
        bank_name=grant.bank_name,
        set_start=grant.set_start,
        start_date=grant.start_date,
        end_date=grant.end_date,
        signed_at=grant.signed_at,
        signed_by=_name(grant.signed_by_id),
        countersigned_at=grant.countersigned_at,
        countersigned_by=_name(grant.countersigned_by_id),
        indicators=tuple(
            doc.Indicator(i.result, i.description, i.unit, i.baseline, i.target)
            for i in grant.indicators
        ),
        letterhead=letterhead(),
    )


def contract_pdf(grant: Grant, locale: str) -> bytes:
    """The contract as a PDF in the given language, on the contracting authority's letterhead."""
    facts = contract(grant)
    with force_locale(locale):
        return doc.contract_pdf(
            current_app.jinja_env, facts, locale, logo_bytes(facts.letterhead.logo_file)
        )


def signed_file_key(grant: Grant) -> str | None:
    """The store's key of the PDF the lead uploaded signed; None when the lead accepted
    online."""
    return files.upload_key(grant.signed_file) if grant.signed_file else None
