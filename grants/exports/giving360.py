"""360Giving open data of a call: the grants awarded once its decisions are final (docs/domain.md
6).

Only a finalised call is published (decisions before that may still change): the full applications
awarded, each with the amount awarded and the day the decisions were finalised (in the call's zone)
as its award date; the lead applicant is the recipient. Once contracted, a grant gains its planned
dates (the contract's start and end, its period in months) and, once paid, the amount disbursed
(paid less recovered). The publisher's prefix and the funder come
from the configuration (GIVING360_PREFIX, GIVING360_FUNDER_ID, GIVING360_FUNDER_NAME). The package
is validated against the 360Giving schemas before it is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from flask import current_app
from sqlalchemy import select

from grants.exports.call_data import Lead, load_call
from grants.exports.kinds import ExportError
from grants.extensions import db
from grants.models import Application, ApplicationStage, Call, Grant, Stage, StageStatus
from grants.models.base import now_utc
from grants.rules.grant_status import GrantStatus
from grants.rules.problems import N_
from reports import giving360

SCHEMAS = Path(__file__).resolve().parent.parent / "data"
CONTRACTED = (GrantStatus.in_force, GrantStatus.closed, GrantStatus.terminated)
EN = "en"  # open data is published with English country names, as 360Giving data is read worldwide


def build_json(call_id: int, locale: str, progress: Callable[[int], None], path: Path) -> str:
    call, data = _package(call_id, progress)
    path.write_text(giving360.dumps(data), encoding="utf-8")
    return f"{call.reference}-360giving.json"


def build_csv(call_id: int, locale: str, progress: Callable[[int], None], path: Path) -> str:
    call, data = _package(call_id, progress)
    path.write_text(
        giving360.csv_text(data, SCHEMAS), encoding="utf-8-sig"
    )  # the BOM tells Excel it is UTF-8
    return f"{call.reference}-360giving.csv"


def funder() -> giving360.Funder:
    config = current_app.config
    return giving360.Funder(
        config["GIVING360_FUNDER_ID"], config["GIVING360_FUNDER_NAME"], config["GIVING360_PREFIX"]
    )


def _package(call_id: int, progress: Callable[[int], None]) -> tuple[Call, dict]:
    call = load_call(call_id)
    if call.finalised_at is None:
        raise ExportError(
            N_(
                "The decisions of call %(reference)s are not final yet: 360Giving data lists the "
                "grants of final decisions only."
            ),
            reference=call.reference,
        )
    grants = [giving360.grant(record, funder()) for record in _awarded(call)]
    if not grants:
        raise ExportError(
            N_("Call %(reference)s awarded no grant: there is nothing to publish."),
            reference=call.reference,
        )
    progress(50)
    data = giving360.package(
        grants, funder(), f"{call.reference} {call.title}", call.reference, now_utc().date()
    )
    problems = giving360.problems(data, SCHEMAS)
    if problems:
        raise ExportError(
            N_("The 360Giving data does not meet the standard: %(problems)s"),
            problems="; ".join(problems[:5]),
        )
    progress(90)
    return call, data


def _awarded(call: Call) -> list[giving360.Grant]:
    countries = Locale.parse(EN).territories
    award_date = call.finalised_at.astimezone(ZoneInfo(call.timezone)).date()
    rows = db.session.execute(
        select(
            Application.id,
            Application.reference,
            Application.title,
            Application.summary,
            Application.duration_months,
            Application.requested_grant.label("application_requested"),
            ApplicationStage.requested_grant,
            ApplicationStage.awarded_amount,
            ApplicationStage.updated_at,
            Lead.id.label("lead_id"),
            Lead.name.label("lead_name"),
            Lead.address,
            Lead.region,
            Lead.country,
            Grant.status.label("grant_status"),
            Grant.start_date,
            Grant.end_date,
            Grant.months,
            Grant.paid_total,
            Grant.recovered_total,
        )
        .join(ApplicationStage, ApplicationStage.application_id == Application.id)
        .join(Lead, Application.lead_id == Lead.id)
        .outerjoin(Grant, Grant.application_id == Application.id)
        .where(
            Application.call_id == call.id,
            ApplicationStage.stage == Stage.full_application,
            ApplicationStage.status == StageStatus.awarded,
        )
        .order_by(Application.number)
    )
    return [
        giving360.Grant(
            reference=row.reference,
            title=row.title,
            description=row.summary,
            currency=call.currency,
            requested=row.requested_grant
            if row.requested_grant is not None
            else row.application_requested,
            awarded=row.awarded_amount,
            award_date=award_date,
            duration_months=row.months if _contracted(row) else row.duration_months,
            recipient_id=row.lead_id,
            recipient_name=row.lead_name,
            recipient_address=row.address,
            recipient_region=row.region,
            recipient_country=row.country,
            recipient_country_name=countries.get(row.country, row.country),
            programme_code=call.reference,
            programme_title=call.title,
            modified=row.updated_at,
            planned_start=row.start_date if _contracted(row) else None,
            planned_end=row.end_date if _contracted(row) else None,
            disbursed=(
                row.paid_total - row.recovered_total
                if _contracted(row) and row.paid_total > 0
                else None
            ),
        )
        for row in rows
    ]


def _contracted(row) -> bool:
    """A contract in force (or ended): its dates are the planned dates."""
    return row.grant_status in CONTRACTED and row.start_date is not None
