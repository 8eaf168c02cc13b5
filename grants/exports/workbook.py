"""The call's workbook (docs/domain.md 6): Applications, Partners, Budget lines, Evaluations,
Ranking, Awards, a Summary by lot, country, region and theme, and the record of the selection:
Changed decisions (every override: who, when, from, to, justification) and Declarations
(impartiality, conflicts of interest).

One walk over the applications in batches writes the first four sheets (and keeps the section scores
of the ranked stages and the running summary), then the ranking is read in rank order, page by page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from grants.exports import call_data
from grants.exports import workbook_records as records
from grants.exports import workbook_sheets as sheets
from grants.exports.call_data import Lead
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    Lot,
    Organisation,
    Partner,
    PartnerStatus,
    Stage,
    StageStatus,
)
from reports.workbook import Sheet, XlsxBook

PAGE = 1000
ZERO = Decimal("0.00")


def build(call_id: int, locale: str, progress: Callable[[int], None], path: Path) -> str:
    call = call_data.load_call(call_id)
    book, codes, zone = (
        XlsxBook(path, call.currency, call.timezone),
        _section_codes(call),
        call.timezone,
    )
    out = {
        "apps": book.sheet(_("Applications"), sheets.columns(sheets.APPLICATIONS, zone=zone)),
        "partners": book.sheet(_("Partners"), sheets.columns(sheets.PARTNERS)),
        "lines": book.sheet(_("Budget lines"), sheets.columns(sheets.LINES)),
        "evaluations": book.sheet(_("Evaluations"), sheets.columns(sheets.EVALUATIONS)),
        "ranking": book.sheet(_("Ranking"), sheets.columns(sheets.ranking_table(codes))),
        "awards": book.sheet(_("Awards"), sheets.columns(sheets.AWARDS)),
        "summary": book.sheet(_("Summary"), sheets.columns(sheets.SUMMARY)),
        "overrides": book.sheet(_("Changed decisions"), records.override_columns(zone)),
        "declarations": book.sheet(_("Declarations"), records.declaration_columns(zone)),
    }
    summary, labels = Summary(call), sheets.Labels()
    sections = _walk(call, labels, out, summary, progress)
    _write_ranking(call, labels, out["ranking"], codes, sections)
    progress(85)
    _write_awards(call, labels, out["awards"])
    _write_summary(summary, labels, out["summary"])
    records.write_overrides(call, labels, out["overrides"])
    records.write_declarations(call, labels, out["declarations"])
    for sheet in out.values():
        sheet.close()
    progress(90)
    book.save()
    return f"{call.reference}-workbook.xlsx"


def _section_codes(call: Call) -> list[str]:
    codes: list[str] = []
    for grid in sorted(call.grids, key=lambda g: g.stage is Stage.full_application):
        codes += [s.code for s in grid.sections if s.code not in codes]
    return codes


def _walk(
    call: Call, labels: sheets.Labels, out: dict[str, Sheet], summary: Summary, progress
) -> dict[int, dict]:
    """Write the applications' sheets; return the section scores of the ranked stages (stage id ->
    scores)."""
    lots = {lot.id: lot.name for lot in call.lots}
    info, grids = call_data.criteria(call), call_data.rule_grids(call)
    ids = call_data.application_ids(call.id)
    sections: dict[int, dict] = {}
    for done, start in enumerate(range(0, len(ids), call_data.BATCH), start=1):
        for data in call_data.load_batch(ids[start : start + call_data.BATCH]):
            app = sheets.application_record(labels, data, lots.get(data.app.lot_id))
            out["apps"].append(sheets.cells(sheets.APPLICATIONS, app))
            summary.add(data)
            for party in sheets.party_records(labels, data):
                out["partners"].append(sheets.cells(sheets.PARTNERS, party))
            for line in sheets.line_records(labels, data):
                out["lines"].append(sheets.cells(sheets.LINES, line))
            for score in sheets.score_records(labels, data, info):
                out["evaluations"].append(sheets.cells(sheets.EVALUATIONS, score))
            for stage in data.stages:
                if stage.rank is not None:
                    sections[stage.id] = call_data.section_finals(data, stage, grids, info)
        progress(min(80, 80 * done * call_data.BATCH // max(len(ids), 1)))
    return sections


def _ranked(call_id: int, *where) -> Iterator:
    """The call's ranked stages with application, lead and lot, concept notes first, each lot in
    rank order."""
    query = (
        select(
            ApplicationStage.id,
            ApplicationStage.stage,
            ApplicationStage.rank,
            ApplicationStage.status,
            ApplicationStage.final_score,
            ApplicationStage.requested_grant,
            ApplicationStage.awarded_amount,
            Application.id.label("application_id"),
            Application.reference,
            Application.title,
            Application.theme,
            Application.requested_grant.label("application_requested"),
            Lead.name.label("lead_name"),
            Lead.country.label("lead_country"),
            Lead.region.label("lead_region"),
            Lot.name.label("lot_name"),
            Lot.id.label("lot_id"),
        )
        .join(Application, ApplicationStage.application_id == Application.id)
        .join(Lead, Application.lead_id == Lead.id)
        .outerjoin(Lot, Application.lot_id == Lot.id)
        .where(Application.call_id == call_id, ApplicationStage.rank.is_not(None), *where)
        .order_by(ApplicationStage.stage, Lot.position, ApplicationStage.rank, Application.number)
    )
    offset = 0
    while page := db.session.execute(query.limit(PAGE).offset(offset)).all():
        yield from page
        offset += PAGE


def _write_ranking(
    call: Call, labels: sheets.Labels, sheet: Sheet, codes: list[str], sections: dict[int, dict]
) -> None:
    table, group, cumulative = sheets.ranking_table(codes), None, ZERO
    for row in _ranked(call.id):
        if (row.stage, row.lot_id) != group:
            group, cumulative = (row.stage, row.lot_id), ZERO
        cumulative += row.awarded_amount or ZERO
        full = row.stage is Stage.full_application
        record = sheets.RankedRecord(
            labels, row, sections.get(row.id, {}), cumulative if full else None
        )
        sheet.append(sheets.cells(table, record))


def _write_awards(call: Call, labels: sheets.Labels, sheet: Sheet) -> None:
    rows = list(
        _ranked(
            call.id,
            ApplicationStage.status == StageStatus.awarded,
            ApplicationStage.stage == Stage.full_application,
        )
    )
    partners: dict[int, list[str]] = {}
    if rows:
        for app_id, name in db.session.execute(
            select(Partner.application_id, Organisation.name)
            .join(Organisation)
            .where(
                Partner.application_id.in_([r.application_id for r in rows]),
                Partner.status != PartnerStatus.declined,
            )
            .order_by(Partner.position, Partner.id)
        ):
            partners.setdefault(app_id, []).append(name)
    for row in rows:
        names = "; ".join(partners.get(row.application_id, []))
        sheet.append(sheets.cells(sheets.AWARDS, sheets.RankedRecord(labels, row, {}, None, names)))


class Summary:
    """Counts and sums per lot, lead country, lead region and theme, added up application by
    application."""

    def __init__(self, call: Call) -> None:
        self.call = call
        self.groups: dict[str, dict[str, list]] = {
            "lot": {},
            "country": {},
            "region": {},
            "theme": {},
        }
        self.total = [0, ZERO, 0, ZERO]

    def add(self, data: call_data.AppData) -> None:
        app, stage = data.app, data.latest_stage()
        asked = sheets.requested(stage, app)
        awarded = stage.awarded_amount if sheets.is_awarded(stage) else None
        keys = {
            "lot": app.lot_id,
            "country": app.lead_country,
            "region": app.lead_region,
            "theme": app.theme,
        }
        for dimension, key in keys.items():
            self._count(self.groups[dimension].setdefault(key, [0, ZERO, 0, ZERO]), asked, awarded)
        self._count(self.total, asked, awarded)

    @staticmethod
    def _count(figures: list, requested: Decimal, awarded: Decimal | None) -> None:
        figures[0] += 1
        figures[1] += requested
        if awarded is not None:
            figures[2] += 1
            figures[3] += awarded


def _write_summary(summary: Summary, labels: sheets.Labels, sheet: Sheet) -> None:
    call, empty = summary.call, [0, ZERO, 0, ZERO]
    lots = summary.groups["lot"]
    if call.lots:
        for lot in call.lots:
            _summary_row(sheet, _("Lot"), lot.name, lots.get(lot.id, empty), lot.budget)
    else:
        _summary_row(sheet, _("Lot"), _("Whole call"), lots.get(None, empty), call.total_budget)
    for dimension, label, name in (
        ("country", _("Country"), labels.country),
        ("region", _("Region"), str),
        ("theme", _("Theme"), str),
    ):
        groups = summary.groups[dimension]
        for key in sorted(groups, key=lambda k: name(k or "").casefold()):
            _summary_row(sheet, label, name(key or ""), groups[key], None)
    _summary_row(sheet, _("Total"), call.reference, summary.total, call.total_budget)


def _summary_row(sheet: Sheet, by: str, value: str, figures: list, budget: Decimal | None) -> None:
    sheet.append(sheets.cells(sheets.SUMMARY, (by, value, *figures, budget)))
