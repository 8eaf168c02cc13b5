"""The workbook: every sheet, the database's figures to the cent, typed money cells, frozen headers,
filters, and text that no spreadsheet runs as a formula."""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, select

from grants.applications.budget import saved_line_total
from grants.exports import workbook
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    BudgetLine,
    ConflictStatus,
    Evaluation,
    Score,
    StageStatus,
)
from tests.conftest import count_queries
from tests.factories import make_application
from tests.factories.exports import awarded_stages, exact, ranked_example

SHEETS = [
    "Applications",
    "Partners",
    "Budget lines",
    "Evaluations",
    "Ranking",
    "Awards",
    "Summary",
    "Changed decisions",
    "Declarations",
]
MONEY = '#,##0.00 "EUR"'
STATUS = {
    "awarded": "Awarded",
    "reserve": "Reserve list",
    "not_selected": "Not selected",
    "below_threshold": "Below threshold",
    "inadmissible": "Inadmissible",
    "withdrawn": "Withdrawn",
}
RISKY = ['=HYPERLINK("x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def xstring(text: str) -> str:
    """A cell's text as a spreadsheet shows it: the file format writes a carriage return (and other
    control characters) as _x000D_, which openpyxl leaves as it is."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda found: chr(int(found.group(1), 16)), text)


def build(call, path) -> tuple:
    seen = []
    with force_locale("en"):
        name = workbook.build(call.id, "en", seen.append, path)
    return name, seen


def rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


@pytest.fixture
def book(db, tmp_path):
    call = ranked_example()
    path = tmp_path / "book.xlsx"
    name, seen = build(call, path)
    return call, load_workbook(path), name, seen, path


def test_sheets_headers_frozen_and_filtered(book):
    _call, wb, name, seen, _path = book
    assert name == "TTGS-DEMO-workbook.xlsx"
    assert wb.sheetnames == SHEETS
    for sheet in wb.worksheets:
        assert sheet.freeze_panes == "A2"
        assert (
            sheet.auto_filter.ref
            == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        )
        assert sheet.column_dimensions["A"].width > 8
    assert seen == sorted(seen) and seen[-1] <= 99  # progress only moves forward; the job sets 100


def test_every_sheet_prints_landscape_fitted_to_width_with_its_header_repeated(book):
    _call, wb, *_ = book
    for sheet in wb.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        # one page wide (1 is the attribute's default in the file format: a writer may leave it
        # out), as many pages down as needed
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == "$1:$1"


def test_applications_match_the_database_to_the_cent(book, db):
    call, wb, *_ = book
    sheet = wb["Applications"]
    stages = {
        ref: stage
        for ref, stage in db.session.execute(
            select(Application.reference, ApplicationStage)
            .join(ApplicationStage.application)
            .where(Application.call_id == call.id)
        )
    }
    direct = defaultdict(Decimal)
    for ref, line in db.session.execute(
        select(Application.reference, BudgetLine)
        .join(BudgetLine.application)
        .where(Application.call_id == call.id)
    ):
        direct[ref] += saved_line_total(line)
    table = rows(sheet)
    assert len(table) == 48
    for row in table:
        stage = stages[row["Reference"]]
        assert exact(row["Requested grant"]) == stage.requested_grant
        assert exact(row["Direct costs"]) == direct[row["Reference"]]
        assert row["Status"] == STATUS[stage.status.value]
        assert (row["Awarded amount"] is None) == (stage.awarded_amount is None)
        if stage.awarded_amount is not None:
            assert exact(row["Awarded amount"]) == stage.awarded_amount
        assert (
            row["Final score"] is None
            if stage.final_score is None
            else Decimal(str(row["Final score"])) == stage.final_score
        )
    amount = sheet.cell(2, 18)
    assert (amount.data_type, amount.number_format) == ("n", MONEY)


def test_awards_and_summary_add_up_to_the_awarded_total(book, db):
    call, wb, *_ = book
    awards = rows(wb["Awards"])
    expected = awarded_stages(call)
    assert [r["Reference"] for r in sorted(awards, key=lambda r: r["Reference"])] == sorted(
        s.application.reference for s in expected
    )
    assert (
        sum(exact(r["Awarded amount"]) for r in awards)
        == call.awarded_total
        == Decimal("2572766.00")
    )
    summary = {(r["By"], r["Value"]): r for r in rows(wb["Summary"])}
    total = summary[("Total", "TTGS-DEMO")]
    requested = db.session.scalar(
        select(func.sum(ApplicationStage.requested_grant))
        .join(ApplicationStage.application)
        .where(Application.call_id == call.id)
    )
    assert (total["Applications"], total["Awarded"]) == (48, len(expected))
    assert exact(total["Requested"]) == requested
    assert exact(total["Awarded amount"]) == call.awarded_total
    assert exact(summary[("Lot", "Whole call")]["Budget"]) == call.total_budget
    by_country = [r for (by, _v), r in summary.items() if by == "Country"]
    assert sum(exact(r["Awarded amount"]) for r in by_country) == call.awarded_total
    assert wb["Summary"].cell(2, 6).number_format == MONEY


def test_ranking_in_rank_order_with_running_total(book, db):
    call, wb, *_ = book
    ranking = rows(wb["Ranking"])
    ranked = db.session.scalar(
        select(func.count())
        .select_from(ApplicationStage)
        .join(ApplicationStage.application)
        .where(Application.call_id == call.id, ApplicationStage.rank.is_not(None))
    )
    assert len(ranking) == ranked and [r["Rank"] for r in ranking] == list(range(1, ranked + 1))
    assert ranking[0]["Reference"] == "TTGS-DEMO-0029"
    assert ranking[0]["Final score"] == 97 and ranking[0]["Section 2"] == 22.5
    assert exact(ranking[-1]["Cumulative awarded"]) == call.awarded_total
    for row in ranking:  # the sections add up to the final score
        assert sum(Decimal(str(row[f"Section {n}"])) for n in "12345") == Decimal(
            str(row["Final score"])
        )


def test_one_evaluation_row_per_evaluator_and_criterion(book, db):
    call, wb, *_ = book
    scores = db.session.scalar(
        select(func.count())
        .select_from(Score)
        .join(Evaluation)
        .join(Assignment)
        .join(ApplicationStage, Assignment.stage_id == ApplicationStage.id)
        .join(ApplicationStage.application)
        .where(
            Application.call_id == call.id,
            Evaluation.submitted_at.is_not(None),
            Assignment.ended_at.is_(None),
            Assignment.conflict != ConflictStatus.conflict,
        )
    )
    evaluations = rows(wb["Evaluations"])
    assert len(evaluations) == scores > 0
    first = evaluations[0]
    assert (first["Reference"], first["Criterion"], first["Section"]) == (
        "TTGS-DEMO-0001",
        "1.1",
        "1 Financial and operational capacity",
    )
    assert {r["Weight"] for r in evaluations} == {1, 2} and {r["Score"] for r in evaluations} <= {
        1,
        2,
        3,
        4,
        5,
    }
    assert len(rows(wb["Budget lines"])) == db.session.scalar(
        select(func.count())
        .select_from(BudgetLine)
        .join(BudgetLine.application)
        .where(Application.call_id == call.id)
    )


def test_text_that_looks_like_a_formula_stays_inert(db, tmp_path):
    call = ranked_example()
    for n, text in enumerate(RISKY):
        make_application(call, status="submitted", title=text, acronym=f"R{n}", summary=text)
    path = tmp_path / "book.xlsx"
    build(call, path)
    sheet = load_workbook(path)["Applications"]
    titles = {xstring(row[1].value): row[1] for row in sheet.iter_rows(min_row=2)}
    for text in RISKY:
        cell = titles[text]  # written as typed...
        assert (cell.data_type, cell.quotePrefix) == (
            "s",
            True,
        )  # ...as text that is never evaluated
    with zipfile.ZipFile(path) as archive:
        sheets = [
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        ]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets)  # not one formula in the file


def test_queries_per_batch_not_per_application(db, tmp_path):
    call = ranked_example()
    with count_queries(db.engine) as small:
        build(call, tmp_path / "a.xlsx")
    for n in range(12):
        make_application(call, status=StageStatus.submitted.value, acronym=f"X{n}")
    db.session.commit()
    with count_queries(db.engine) as larger:
        build(call, tmp_path / "b.xlsx")
    assert len(larger) == len(small)
    assert load_workbook(tmp_path / "b.xlsx")["Applications"].max_row == 1 + 48 + 12
