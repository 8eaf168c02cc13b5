"""The workbook's sheets, each declared once as a table of fields: a column's title (translated in
the reader's language when the sheet is made), its cell type and width, and how one record gives its
cell. `columns(table)` makes a sheet's header, `cells(table, record)` one of its rows.

The figures come from the rules (grants.rules.budget for the budget totals, grants.rules.scoring for
section scores); amounts stay Decimal all the way into the cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter, itemgetter
from typing import Any

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
from grants.rules.budget import BudgetTotals, compute_totals
from grants.rules.problems import N_
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


@dataclass(frozen=True)
class Field:
    """One column: its title (a msgid, with %(zone)s or %(code)s where the sheet says), its cell
    type (reports.workbook.Column), its width, and its cell from a record of the sheet."""

    title: str
    value: Callable[[Any], Any]
    type: str = "text"
    width: float = 14
    params: tuple[tuple[str, str], ...] = ()  # this column's own placeholders


def columns(table: tuple[Field, ...], **params) -> list[Column]:
    """The sheet's header in the reader's language (`params` fill the titles' placeholders)."""
    return [Column(_(f.title, **params, **dict(f.params)), f.type, f.width) for f in table]


def cells(table: tuple[Field, ...], record) -> list:
    return [f.value(record) for f in table]


def requested(stage, app) -> Decimal:
    """The grant requested in the stage, as submitted; the application's if the stage kept none."""
    return (
        stage.requested_grant
        if stage is not None and stage.requested_grant is not None
        else app.requested_grant
    )


def points(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(POINTS, rounding=ROUND_HALF_UP)


def is_awarded(stage) -> bool:
    return stage is not None and stage.status is StageStatus.awarded


# Applications
# --------------------------------------------------------------------------------------


@dataclass
class AppRecord:
    labels: Labels
    app: Any
    stage: Any  # the latest stage, None before any
    totals: BudgetTotals
    partners: int  # not declined
    lot_name: str | None

    def of_stage(self, attribute: str):
        return getattr(self.stage, attribute) if self.stage is not None else None


def application_record(labels: Labels, data: AppData, lot_name: str | None) -> AppRecord:
    app, stage = data.app, data.latest_stage()
    lines = [
        rule_line(line.heading, line.quantity, line.unit_cost, line.organisation_id)
        for line in data.lines
    ]
    return AppRecord(
        labels,
        app,
        stage,
        compute_totals(lines, app.indirect, app.contingency, requested(stage, app)),
        sum(1 for p in data.partners if p.status is not PartnerStatus.declined),
        lot_name,
    )


APPLICATIONS = (
    Field(N_("Reference"), lambda r: r.app.reference, width=18),
    Field(N_("Title"), lambda r: r.app.title, width=40),
    Field(N_("Acronym"), lambda r: r.app.acronym, width=12),
    Field(N_("Lot"), lambda r: r.lot_name, width=16),
    Field(N_("Theme"), lambda r: r.app.theme, width=16),
    Field(N_("Lead organisation"), lambda r: r.app.lead_name, width=30),
    Field(N_("Lead country"), lambda r: r.labels.country(r.app.lead_country)),
    Field(N_("Lead region"), lambda r: r.app.lead_region, width=16),
    Field(N_("Partners"), lambda r: r.partners, "integer", 10),
    Field(
        N_("Stage"), lambda r: None if r.stage is None else r.labels.stage[r.stage.stage], width=16
    ),
    Field(
        N_("Status"),
        lambda r: None if r.stage is None else r.labels.status[r.stage.status],
        width=16,
    ),
    Field(N_("Submitted at (%(zone)s)"), lambda r: r.of_stage("submitted_at"), "datetime", 18),
    Field(N_("Duration (months)"), lambda r: r.app.duration_months, "integer", 10),
    Field(N_("Direct costs"), lambda r: r.totals.direct, "money", 16),
    Field(N_("Indirect costs"), lambda r: r.totals.indirect, "money", 16),
    Field(N_("Contingency"), lambda r: r.totals.contingency, "money", 16),
    Field(N_("Total eligible costs"), lambda r: r.totals.total_eligible, "money", 16),
    Field(N_("Requested grant"), lambda r: r.totals.requested_grant, "money", 16),
    Field(N_("Co-financing"), lambda r: r.totals.co_financing, "money", 16),
    Field(N_("Grant rate"), lambda r: r.totals.grant_rate, "percent", 10),
    Field(N_("Final score"), lambda r: points(r.of_stage("final_score")), "score", 10),
    Field(N_("Rank"), lambda r: r.of_stage("rank"), "integer", 8),
    Field(N_("Awarded amount"), lambda r: r.of_stage("awarded_amount"), "money", 16),
)


# Partners and budget lines
# -------------------------------------------------------------------------


@dataclass
class PartyRecord:
    """The lead (role, status and confirmation empty) or a partner, with its budget share."""

    labels: Labels
    reference: str
    part: str
    name: str
    country: str | None
    region: str | None
    type: OrganisationType
    share: Decimal
    role: str | None = None
    status: PartnerStatus | None = None
    confirmed_at: datetime | None = None


def party_records(labels: Labels, data: AppData) -> Iterator[PartyRecord]:
    app = data.app
    shares: dict[int, Decimal] = {}
    for line in data.lines:
        shares[line.organisation_id] = shares.get(line.organisation_id, ZERO) + saved_line_total(
            line
        )
    yield PartyRecord(
        labels,
        app.reference,
        labels.lead,
        app.lead_name,
        app.lead_country,
        app.lead_region,
        app.lead_type,
        shares.get(app.lead_id, ZERO),
    )
    for p in data.partners:
        yield PartyRecord(
            labels,
            app.reference,
            labels.partner,
            p.name,
            p.country,
            p.region,
            p.type,
            shares.get(p.organisation_id, ZERO),
            p.role,
            p.status,
            p.confirmed_at,
        )


PARTNERS = (
    Field(N_("Reference"), lambda r: r.reference, width=18),
    Field(N_("Part"), lambda r: r.part),
    Field(N_("Organisation"), lambda r: r.name, width=30),
    Field(N_("Country"), lambda r: r.labels.country(r.country)),
    Field(N_("Region"), lambda r: r.region, width=16),
    Field(N_("Type"), lambda r: r.labels.org_type[r.type], width=22),
    Field(N_("Role"), lambda r: r.role, width=30),
    Field(
        N_("Status"),
        lambda r: None if r.status is None else r.labels.partner_status[r.status],
        width=12,
    ),
    Field(N_("Confirmed at"), lambda r: r.confirmed_at, "datetime", 18),
    Field(N_("Budget share"), lambda r: r.share, "money", 16),
)


@dataclass
class LineRecord:
    labels: Labels
    reference: str
    line: Any


def line_records(labels: Labels, data: AppData) -> Iterator[LineRecord]:
    return (LineRecord(labels, data.app.reference, line) for line in data.lines)


LINES = (
    Field(N_("Reference"), lambda r: r.reference, width=18),
    Field(N_("Heading"), lambda r: r.labels.heading[r.line.heading], width=24),
    Field(N_("Description"), lambda r: r.line.description, width=36),
    Field(N_("Unit"), lambda r: r.line.unit, width=10),
    Field(N_("Quantity"), lambda r: r.line.quantity, "quantity", 10),
    Field(N_("Unit cost"), lambda r: r.line.unit_cost, "money", 16),
    Field(N_("Total"), lambda r: saved_line_total(r.line), "money", 16),
    Field(N_("Organisation"), lambda r: r.line.organisation_name, width=30),
)


# Evaluations
# ---------------------------------------------------------------------------------------


@dataclass
class ScoreRecord:
    labels: Labels
    reference: str
    stage: Stage
    section: str
    criterion: CriterionInfo
    score: Any


def score_records(
    labels: Labels, data: AppData, info: dict[int, CriterionInfo]
) -> Iterator[ScoreRecord]:
    sections = {c: f"{c.section_code} {c.section_title}" for c in info.values()}
    for stage in data.stages:
        for scores in data.scores.get(stage.id, {}).values():
            for score in sorted(scores, key=lambda s: info[s.criterion_id].order):
                criterion = info[score.criterion_id]
                yield ScoreRecord(
                    labels, data.app.reference, stage.stage, sections[criterion], criterion, score
                )


# Ten columns: this sheet has a row per evaluator and criterion (about 300,000 for 10,000
# applications), so what can be read elsewhere (when the evaluation was submitted, score x weight)
# is left out; its plain attributes are read with attrgetter (no Python call per cell).
EVALUATIONS = (
    Field(N_("Reference"), attrgetter("reference"), width=18),
    Field(N_("Stage"), lambda r: r.labels.stage[r.stage], width=16),
    Field(N_("Evaluator"), attrgetter("score.evaluator"), width=24),
    Field(
        N_("Extra evaluator"), lambda r: r.labels.yes if r.score.extra else r.labels.no, width=10
    ),
    Field(N_("Section"), attrgetter("section"), width=30),
    Field(N_("Criterion"), attrgetter("criterion.code"), width=10),
    Field(N_("Criterion title"), attrgetter("criterion.title"), width=36),
    Field(N_("Weight"), attrgetter("criterion.weight"), "integer", 8),
    Field(N_("Score"), attrgetter("score.score"), "integer", 8),
    Field(N_("Comment"), attrgetter("score.comment"), width=50),
)


# Ranking, awards and summary
# -----------------------------------------------------------------------


@dataclass
class RankedRecord:
    """A ranked stage as grants.exports.workbook reads it, with its section scores (Ranking) or its
    partners (Awards)."""

    labels: Labels
    row: Any
    sections: dict[str, Decimal]
    cumulative: Decimal | None = None  # awarded so far in its lot, full applications only
    partners: str = ""

    @property
    def requested(self) -> Decimal:
        row = self.row
        return row.requested_grant if row.requested_grant is not None else row.application_requested


def _section(code: str) -> Field:
    return Field(
        N_("Section %(code)s"),
        lambda r: points(r.sections.get(code)),
        "score",
        10,
        (("code", code),),
    )


def ranking_table(section_codes: list[str]) -> tuple[Field, ...]:
    """The Ranking sheet: a column per section code of the call's grids."""
    return (
        Field(N_("Stage"), lambda r: r.labels.stage[r.row.stage], width=16),
        Field(N_("Lot"), lambda r: r.row.lot_name, width=16),
        Field(N_("Rank"), lambda r: r.row.rank, "integer", 8),
        Field(N_("Reference"), lambda r: r.row.reference, width=18),
        Field(N_("Title"), lambda r: r.row.title, width=40),
        Field(N_("Lead organisation"), lambda r: r.row.lead_name, width=30),
        Field(N_("Country"), lambda r: r.labels.country(r.row.lead_country)),
        Field(N_("Final score"), lambda r: points(r.row.final_score), "score", 10),
        *(_section(code) for code in section_codes),
        Field(N_("Requested grant"), lambda r: r.requested, "money", 16),
        Field(N_("Cumulative awarded"), lambda r: r.cumulative, "money", 16),
        Field(N_("Status"), lambda r: r.labels.status[r.row.status], width=16),
        Field(N_("Awarded amount"), lambda r: r.row.awarded_amount, "money", 16),
    )


AWARDS = (
    Field(N_("Lot"), lambda r: r.row.lot_name, width=16),
    Field(N_("Rank"), lambda r: r.row.rank, "integer", 8),
    Field(N_("Reference"), lambda r: r.row.reference, width=18),
    Field(N_("Title"), lambda r: r.row.title, width=40),
    Field(N_("Lead organisation"), lambda r: r.row.lead_name, width=30),
    Field(N_("Country"), lambda r: r.labels.country(r.row.lead_country)),
    Field(N_("Region"), lambda r: r.row.lead_region, width=16),
    Field(N_("Theme"), lambda r: r.row.theme, width=16),
    Field(N_("Final score"), lambda r: points(r.row.final_score), "score", 10),
    Field(N_("Requested grant"), lambda r: r.requested, "money", 16),
    Field(N_("Awarded amount"), lambda r: r.row.awarded_amount, "money", 16),
    Field(N_("Partners"), lambda r: r.partners, width=40),
)

# A summary row: (by, value, applications, requested, awarded, awarded amount, budget).
SUMMARY = (
    Field(N_("By"), itemgetter(0), width=12),
    Field(N_("Value"), itemgetter(1), width=30),
    Field(N_("Applications"), itemgetter(2), "integer", 12),
    Field(N_("Requested"), itemgetter(3), "money", 18),
    Field(N_("Awarded"), itemgetter(4), "integer", 10),
    Field(N_("Awarded amount"), itemgetter(5), "money", 18),
    Field(N_("Budget"), itemgetter(6), "money", 18),
)
