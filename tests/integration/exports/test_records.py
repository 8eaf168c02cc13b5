"""The selection's record in the call's documents: every decision staff changed by hand (who, when,
from, to, justification) and every declaration of impartiality and conflict of interest, in the
evaluation report (PDF) and the workbook (a sheet each)."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader

from grants.exports import workbook
from grants.exports.evaluation_report import build as build_report
from tests.factories.exports import exact, ranked_example
from tests.factories.records import (
    CONFLICT,
    DECLARED,
    SIGNED,
    WHY_NOT_SELECTED,
    WHY_PROMOTED,
    WHY_REDUCED,
    call_with_record,
)

ISTANBUL = ZoneInfo("Europe/Istanbul")


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def report_pages(call_id: int, path: Path, locale: str = "en") -> list[str]:
    build_report(call_id, locale, lambda percent: None, path)
    return [page.extract_text() for page in PdfReader(path).pages]


def test_the_report_lists_every_override_with_who_when_and_why(db, tmp_path):
    call, staff = call_with_record()
    pages = report_pages(call.id, tmp_path / "report.pdf")
    text = squeezed("".join(pages))
    chapter = text[text.index("Decisionschangedbystaff", text.index("Applicationsnotfunded")) :]
    for why in (WHY_REDUCED, WHY_NOT_SELECTED, WHY_PROMOTED):
        assert squeezed(why) in chapter, why
    assert "TTGS-DEMO-0023Awarded€120,000.00Awarded€100,000.00" in chapter
    assert "TTGS-DEMO-0036Awarded€100,000.00Notselected" in chapter
    assert chapter.count("SelinYıldız") == 3 and "(Europe/Istanbul)" in chapter

    # the decisions it changed are marked where they are listed, and the move to not selected says
    # why
    ranking = text[
        text.index("Fullapplication:Wholecall") : text.index("Awards", text.index("S1:Financial"))
    ]
    assert "€100,000.00Notselected*" in ranking and "Awarded*€100,000.00" in ranking
    assert "*Decisionchangedbystaff:see“Decisionschangedbystaff”." in ranking
    not_funded = text[text.index("Notselected(1)") : text.index("Withdrawn(2)")]
    assert squeezed(WHY_NOT_SELECTED) in not_funded


def test_the_report_lists_the_declarations(db, tmp_path):
    call, _staff = call_with_record()
    text = squeezed("".join(report_pages(call.id, tmp_path / "report.pdf")))
    start = text.index("NameOrganisationDeclarationofimpartialityandconfidentiality")
    committee = text[start : text.index("Timeline", start)]
    assert "Assessor1–May2,2018" in committee and "Assessor3–Notsigned" in committee
    chapter = text[
        text.index(
            "Declarationsofconflictofinterest", text.index("Applicationsperstage")
        ) : text.index("Ranking", text.index("Declarationsofnoconflict"))
    ]
    assert "Conflictsofinterestdeclared(1)" in chapter
    assert "TTGS-DEMO-0001Assessor35/3/18,11:15AM(Europe/Istanbul)" + squeezed(CONFLICT) in chapter
    assert (
        "Declarationsofnoconflict(92)" in chapter
        and "TTGS-DEMO-0001·Assessor1·May3,2018" in chapter
    )
    assert (
        "TTGS-DEMO-0002·Assessor1·notrecorded" in chapter
    )  # imported from a version-1 bundle: no time


def test_a_report_without_changes_says_so(db, tmp_path):
    call = ranked_example()
    text = squeezed("".join(report_pages(call.id, tmp_path / "report.pdf")))
    assert "Staffchangednodecision:everydecisionistheonetherulesgave." in text
    assert (
        "Noevaluatordeclaredaconflictofinterest." in text and "*Decisionchangedbystaff" not in text
    )


def test_the_report_in_turkish_names_the_changes(db, tmp_path):
    call, _staff = call_with_record()
    text = squeezed("".join(report_pages(call.id, tmp_path / "report.pdf", "tr")))
    assert "Personeltarafındandeğiştirilenkararlar" in text and squeezed(WHY_REDUCED) in text
    assert "Çıkarçatışmasıbeyanları" in text and "(Europe/Istanbul)" in text


def _sheet(path: Path, name: str) -> list[dict]:
    values = list(load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_workbook_has_a_sheet_of_changed_decisions_and_one_of_declarations(db, tmp_path):
    call, _staff = call_with_record()
    path = tmp_path / "book.xlsx"
    with force_locale("en"):
        workbook.build(call.id, "en", lambda percent: None, path)
    changed = _sheet(path, "Changed decisions")
    assert [
        (r["Reference"], r["Previous decision"], r["New decision"], r["Justification"], r["By"])
        for r in changed
    ] == [
        ("TTGS-DEMO-0023", "Awarded", "Awarded", WHY_REDUCED, "Selin Yıldız"),
        ("TTGS-DEMO-0036", "Awarded", "Not selected", WHY_NOT_SELECTED, "Selin Yıldız"),
        ("TTGS-DEMO-0037", "Reserve list", "Awarded", WHY_PROMOTED, "Selin Yıldız"),
    ]
    first = changed[0]
    assert (exact(first["Previous amount"]), exact(first["New amount"])) == (
        D("120000.00"),
        D("100000.00"),
    )
    assert changed[1]["New amount"] is None and first["Email address"] == "selin.yildiz@example.org"
    assert (
        first["When (Europe/Istanbul)"] is not None
        and first["Discarded by a new ranking (Europe/Istanbul)"] is None
    )

    declared = _sheet(path, "Declarations")
    signed = [r for r in declared if r["Reference"] is None]
    assert [(r["Evaluator"], r["Declaration"], r["When (Europe/Istanbul)"]) for r in signed] == [
        (
            name,
            "Declaration of impartiality and confidentiality signed",
            SIGNED.astimezone(ISTANBUL).replace(tzinfo=None),
        )
        for name in ("Assessor 1", "Assessor 2")
    ]
    conflicts = [r for r in declared if r["Declaration"] == "Conflict of interest"]
    assert [
        (r["Evaluator"], r["Reference"], r["What the conflict is"], r["When (Europe/Istanbul)"])
        for r in conflicts
    ] == [
        (
            "Assessor 3",
            "TTGS-DEMO-0001",
            CONFLICT,
            DECLARED.astimezone(ISTANBUL).replace(tzinfo=None),
        )
    ]
    assert sum(r["Declaration"] == "No conflict of interest" for r in declared) == 92
