"""The workbook's sheets: their columns (titled in the reader's language) and one row per record.

The figures come from the rules (grants.rules.budget for the budget totals, grants.rules.scoring for
section scores); amounts stay Decimal all the way into the cells.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _

from grants.applications.budget import rule_line, saved_line_total
from grants.auth.choices import organisation_type_label
from grants.exports.call_data import AppData, CriterionInfo
from grants.labels import (
    HEADING_LABELS,
    application_status,
    heading_name,
    partner_status,
    stage_name,
)
from grants.models import OrganisationType, PartnerStatus, Stage, StageStatus
from grants.rules.budget import compute_totals
from reports.workbook import Column

POINTS = Decimal("0.0001")
ZERO = Decimal("0.00")


class Labels:
    """The translated names the rows use, looked up once per workbook: a gettext per cell would cost
    more than writing the cell."""

    def __init__(self) -> None:
        self.status = {s: application_status(s) for s in StageStatus}
        self.stage = {s: stage_name(s) for s in Stage}
        self.heading = {h: heading_name(h) for h in HEADING_LABELS}
        self.partner_status = {s: partner_status(s) for s in PartnerStatus}
        self.org_type = {t: organisation_type_label(t) for t in OrganisationType}
        self.countries = Locale.parse(str(get_locale())).territories
        self.yes, self.no, self.lead, self.partner = (
            _("Yes"),
            _("No"),
            _("Lead applicant"),
            _("Partner"),
        )

    def country(self, code: str | None) -> str:
        return self.countries.get(code or "", code or "")


def requested(stage, app) -> Decimal:
    """The grant requested in the stage, as submitted; the application's if the stage kept none."""
    return (
        stage.requested_grant
        if stage is not None and stage.requested_grant is not None
        else app.requested_grant
    )


def points(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(POINTS, rounding=ROUND_HALF_UP)


# Applications
# --------------------------------------------------------------------------------------


def application_columns(zone: str) -> list[Column]:
    return [
        Column(_("Reference"), width=18),
        Column(_("Title"), width=40),
        Column(_("Acronym"), width=12),
        Column(_("Lot"), width=16),
        Column(_("Theme"), width=16),
        Column(_("Lead organisation"), width=30),
        Column(_("Lead country"), width=14),
        Column(_("Lead region"), width=16),
        Column(_("Partners"), "integer", 10),
        Column(_("Stage"), width=16),
        Column(_("Status"), width=16),
        Column(_("Submitted at (%(zone)s)", zone=zone), "datetime", 18),
        Column(_("Duration (months)"), "integer", 10),
        Column(_("Direct costs"), "money", 16),
        Column(_("Indirect costs"), "money", 16),
        Column(_("Contingency"), "money", 16),
        Column(_("Total eligible costs"), "money", 16),
        Column(_("Requested grant"), "money", 16),
        Column(_("Co-financing"), "money", 16),
        Column(_("Grant rate"), "percent", 10),
        Column(_("Final score"), "score", 10),
        Column(_("Rank"), "integer", 8),
        Column(_("Awarded amount"), "money", 16),
    ]


def application_row(labels: Labels, data: AppData, lot_name: str | None) -> list:
    app, stage = data.app, data.latest_stage()
    lines = [
        rule_line(line.heading, line.quantity, line.unit_cost, line.organisation_id)
        for line in data.lines
    ]
    totals = compute_totals(lines, app.indirect, app.contingency, requested(stage, app))
    partners = sum(1 for p in data.partners if p.status is not PartnerStatus.declined)
    return [
        app.reference,
        app.title,
        app.acronym,
        lot_name,
        app.theme,
        app.lead_name,
        labels.country(app.lead_country),
        app.lead_region,
        partners,
        labels.stage[stage.stage] if stage else None,
        labels.status[stage.status] if stage else None,
        stage.submitted_at if stage else None,
        app.duration_months,
        totals.direct,
        totals.indirect,
        totals.contingency,
        totals.total_eligible,
        totals.requested_grant,
        totals.co_financing,
        totals.grant_rate,
        points(stage.final_score) if stage else None,
        stage.rank if stage else None,
        stage.awarded_amount if stage else None,
    ]


# Partners and budget lines
# -------------------------------------------------------------------------


def partner_columns() -> list[Column]:
    return [
        Column(_("Reference"), width=18),
        Column(_("Part"), width=14),
        Column(_("Organisation"), width=30),
        Column(_("Country"), width=14),
        Column(_("Region"), width=16),
        Column(_("Type"), width=22),
        Column(_("Role"), width=30),
        Column(_("Status"), width=12),
        Column(_("Confirmed at"), "datetime", 18),
        Column(_("Budget share"), "money", 16),
    ]


def partner_rows(labels: Labels, data: AppData) -> list[list]:
    app = data.app
    shares: dict[int, Decimal] = {}
    for line in data.lines:
        shares[line.organisation_id] = shares.get(line.organisation_id, ZERO) + saved_line_total(
            line
        )
    rows = [
        [
            app.reference,
            labels.lead,
            app.lead_name,
            labels.country(app.lead_country),
            app.lead_region,
            labels.org_type[app.lead_type],
            None,
            None,
            None,
            shares.get(app.lead_id, ZERO),
        ]
    ]
    for p in data.partners:
        rows.append(
            [
                app.reference,
                labels.partner,
                p.name,
                labels.country(p.country),
                p.region,
                labels.org_type[p.type],
                p.role,
                labels.partner_status[p.status],
                p.confirmed_at,
                shares.get(p.organisation_id, ZERO),
            ]
        )
    return rows


def line_columns() -> list[Column]:
    return [
        Column(_("Reference"), width=18),
        Column(_("Heading"), width=24),
        Column(_("Description"), width=36),
        Column(_("Unit"), width=10),
        Column(_("Quantity"), "quantity", 10),
        Column(_("Unit cost"), "money", 16),
        Column(_("Total"), "money", 16),
        Column(_("Organisation"), width=30),
    ]


def line_rows(labels: Labels, data: AppData) -> list[list]:
    return [
        [
            data.app.reference,
            labels.heading[line.heading],
            line.description,
            line.unit,
            line.quantity,
            line.unit_cost,
            saved_line_total(line),
            line.organisation_name,
        ]
        for line in data.lines
    ]


# Evaluations
# ---------------------------------------------------------------------------------------


def evaluation_columns() -> list[Column]:
    """Ten columns: this sheet has a row per evaluator and criterion (about 300,000 for 10,000
    applications), so what can be read elsewhere (when the evaluation was submitted, score x weight)
    is left out."""
    return [
        Column(_("Reference"), width=18),
        Column(_("Stage"), width=16),
        Column(_("Evaluator"), width=24),
        Column(_("Extra evaluator"), width=10),
        Column(_("Section"), width=30),
        Column(_("Criterion"), width=10),
        Column(_("Criterion title"), width=36),
        Column(_("Weight"), "integer", 8),
        Column(_("Score"), "integer", 8),
        Column(_("Comment"), width=50),
    ]


def evaluation_rows(labels: Labels, data: AppData, info: dict[int, CriterionInfo]) -> list[list]:
    rows, sections = [], {c: f"{c.section_code} {c.section_title}" for c in info.values()}
    for stage in data.stages:
        for scores in data.scores.get(stage.id, {}).values():
            for score in sorted(scores, key=lambda s: info[s.criterion_id].order):
                criterion = info[score.criterion_id]
                rows.append(
                    [
                        data.app.reference,
                        labels.stage[stage.stage],
                        score.evaluator,
                        labels.yes if score.extra else labels.no,
                        sections[criterion],
                        criterion.code,
                        criterion.title,
                        criterion.weight,
                        score.score,
                        score.comment,
                    ]
                )
    return rows


# Ranking, awards and summary
# -----------------------------------------------------------------------


def ranking_columns(section_codes: list[str]) -> list[Column]:
    return [
        Column(_("Stage"), width=16),
        Column(_("Lot"), width=16),
        Column(_("Rank"), "integer", 8),
        Column(_("Reference"), width=18),
        Column(_("Title"), width=40),
        Column(_("Lead organisation"), width=30),
        Column(_("Country"), width=14),
        Column(_("Final score"), "score", 10),
        *(Column(_("Section %(code)s", code=code), "score", 10) for code in section_codes),
        Column(_("Requested grant"), "money", 16),
        Column(_("Cumulative awarded"), "money", 16),
        Column(_("Status"), width=16),
        Column(_("Awarded amount"), "money", 16),
    ]


def award_columns() -> list[Column]:
    return [
        Column(_("Lot"), width=16),
        Column(_("Rank"), "integer", 8),
        Column(_("Reference"), width=18),
        Column(_("Title"), width=40),
        Column(_("Lead organisation"), width=30),
        Column(_("Country"), width=14),
        Column(_("Region"), width=16),
        Column(_("Theme"), width=16),
        Column(_("Final score"), "score", 10),
        Column(_("Requested grant"), "money", 16),
        Column(_("Awarded amount"), "money", 16),
        Column(_("Partners"), width=40),
    ]


def summary_columns() -> list[Column]:
    return [
        Column(_("By"), width=12),
        Column(_("Value"), width=30),
        Column(_("Applications"), "integer", 12),
        Column(_("Requested"), "money", 18),
        Column(_("Awarded"), "integer", 10),
        Column(_("Awarded amount"), "money", 18),
        Column(_("Budget"), "money", 18),
    ]


def is_awarded(stage) -> bool:
    return stage is not None and stage.status is StageStatus.awarded
