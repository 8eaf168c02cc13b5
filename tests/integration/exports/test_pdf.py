"""The evaluation report (PDF) of a call: its content, order, figures, contents page, page numbers,
tagging, language, escaping, and a fixed number of queries whatever the number of applications."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from flask import current_app
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from grants.awards import rank_call
from grants.awards.queries.overview import load_call, overview
from grants.exports.application_pdfs import build as build_zip
from grants.exports.evaluation_report import build, evaluation_report
from grants.exports.kinds import ExportError
from grants.models import (
    Application,
    ApplicationStage,
    Attachment,
    AttachmentKind,
    Stage,
    StageStatus,
)
from grants.models.base import now_utc
from grants.rules.scoring import display
from reports.evaluation_report import render_report
from tests.conftest import count_queries
from tests.factories import make_application, make_call, make_org
from tests.factories.awards import add_application
from tests.factories.evaluation import store_final
from tests.factories.export_dataset import ranked_call

TOC = [
    "The call",
    "Evaluation committee",
    "Timeline",
    "Applications per stage",
    "Declarations of conflict of interest",
    "Ranking",
    "Awards",
    "Reserve list",
    "Applications not funded",
    "Decisions changed by staff",
    "Charts",
]


def report(call_id: int, tmp_path: Path, locale: str = "en") -> tuple[str, PdfReader, list[int]]:
    progress: list[int] = []
    name = build(call_id, locale, progress.append, tmp_path / "report.pdf")
    return name, PdfReader(tmp_path / "report.pdf"), progress


def squeezed(reader: PdfReader) -> str:
    """The text without any white space (kerning may split words)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def shown(score: D | None) -> str:
    return "–" if score is None else f"{display(score):.2f}"


def test_the_report_ranks_awards_and_sets_apart_the_example_call(db, demo, tmp_path):  # noqa: F811
    name, reader, progress = report(demo.id, tmp_path)
    assert name == "TTGS-DEMO-evaluation-report-en.pdf"
    assert progress == sorted(set(progress)) and 0 < progress[0] and progress[-1] <= 100
    text = squeezed(reader)
    lines = {line.stage.id: line for table in overview(demo).tables for line in table.lines}
    ranked = sorted(lines.values(), key=lambda line: line.stage.rank)
    assert len(ranked) == 34 and ranked[0].application.reference == "TTGS-DEMO-0029"
    chapter = text[
        text.index("Budget€2,600,000.00,awarded€2,572,766.00,left€27,234.00.") : text.index(
            "S1:Financial"
        )
    ]
    assert re.findall(r"TTGS-DEMO-\d{4}", chapter) == [
        line.application.reference for line in ranked
    ]
    for (
        line
    ) in ranked:  # rank, reference, lead, total and section scores as the ranking page shows them
        app = line.application
        row = (
            f"{line.stage.rank}{app.reference}{app.lead.name}({app.lead.country}){shown(line.stage.final_score)}"
            + "".join(shown(line.sections[code]) for code in "12345")
        )
        assert row.replace(" ", "") in chapter, row
    assert (
        "1TTGS-DEMO-0029AydınBelediyesi29(TR)97.0020.0022.5024.5015.0015.00€75,000.00Awarded€75,000.00"
        in chapter
    )
    for shown_total in ("Totalawarded€2,572,766.00", "Budget€2,600,000.00", "Left€27,234.00"):
        assert shown_total in text
    reserve = [line for line in ranked if line.stage.status is StageStatus.reserve]
    assert [line.application.reference for line in reserve][:2] == [
        "TTGS-DEMO-0037",
        "TTGS-DEMO-0001",
    ]
    for position, line in enumerate(reserve, start=1):
        score = shown(line.stage.final_score)
        entry = f"{position}·{line.application.reference}·{line.stage.rank}·{score}·"
        assert entry + f"€{line.requested:,.2f}" in text, entry
    rejected = text[text.index("Applicationsnotfunded") :]
    assert (
        "Inadmissible(3)ReferenceLeadapplicantReasonsTTGS-DEMO-0005AntalyaBelediyesi5(TR)Partnershipstatement"
        "missing" in rejected
    )
    assert (
        "Belowthreshold(9)ReferenceLeadapplicantThresholdsmissedTTGS-DEMO-0002DiyarbakırBelediyesi2(TR)Section1"
        "Financialandoperationalcapacity:11.00ofatleast12.00;Section2Relevance:11.50ofatleast15.00"
    ) in rejected
    assert "Withdrawn(2)" in rejected and "TTGS-DEMO-0038" in rejected
    assert (
        "Submitted48Admissible43Inadmissible3Evaluated43Belowthreshold9Awarded27Reservelist7Notselected0Withdrawn2"
        in text
    )
    assert (
        "Assessor1–Notsigned" in text
        and "Europe/Istanbul" in text
        and "Open:fullapplicationsonly" in text
    )


def test_contents_page_numbers_running_headers_and_tags(db, demo, tmp_path):  # noqa: F811
    _name, reader, _progress = report(demo.id, tmp_path)
    pages = [page.extract_text() for page in reader.pages]
    total = len(pages)
    contents = pages[1]
    starts = {}
    for title in TOC:
        found = re.search(re.escape(title) + r"\s*\.+\s*(\d+)", contents)
        assert found, title
        starts[title] = int(found.group(1))
        page = pages[starts[title] - 1]
        assert title in page.replace(
            "TTGS-DEMO – Evaluation report", ""
        )  # the heading, not only the header
    for number, page in enumerate(pages[1:], start=2):
        assert f"{number} / {total}" in page and "TTGS-DEMO – Evaluation report" in page
    assert (
        "Evaluation report" in pages[0] and "/ " not in pages[0]
    )  # no header or number on the cover
    assert reader.metadata.title == "Evaluation report – TTGS-DEMO"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and "/StructTreeRoot" in root
    ranking = reader.pages[starts["Ranking"] - 1]
    assert ranking.mediabox.width > ranking.mediabox.height  # the ranking is printed landscape


def test_the_report_in_turkish(db, demo, tmp_path):  # noqa: F811
    name, reader, _progress = report(demo.id, tmp_path, "tr")
    text = squeezed(reader)
    assert name == "TTGS-DEMO-evaluation-report-tr.pdf"
    for heading in (
        "Takvim",
        "Yedekliste",
        "Sıra",
        "Nihaipuan",
        "Verilenhibetutarı",
        "Karar",
        "€2.600.000,00",
    ):
        assert heading in text, heading
    assert "Timeline" not in text and "Reservelist" not in text
    assert reader.trailer["/Root"]["/Lang"] == "tr"


def test_user_text_comes_out_as_text(app, db, tmp_path):
    call = make_call(
        "ESC-1", status="evaluation", title='<script>alert("x")</script> =HYPERLINK("x")'
    )
    app_row = add_application(call, [4, 4])
    app_row.lead.name = '=HYPERLINK("http://x")<b>bold</b>'
    app_row.stages[0].status, app_row.stages[0].inadmissible_reasons = (
        StageStatus.inadmissible,
        ["<i>late</i> & x"],
    )
    db.session.flush()
    _name, reader, _progress = report(call.id, tmp_path)
    text = squeezed(reader)
    for typed in (
        '<script>alert("x")</script>=HYPERLINK("x")',
        '=HYPERLINK("http://x")<b>bold</b>',
        "<i>late</i>&x",
    ):
        assert typed in text, typed
    with force_locale("en"):
        html = render_report(current_app.jinja_env, evaluation_report(call, overview(call)))
    assert (
        "<script>" not in html
        and "&lt;script&gt;alert(&#34;x&#34;)" in html
        and "<b>bold" not in html
    )


def test_a_restricted_call_counts_concept_notes_and_full_applications_apart(db, tmp_path):
    call = make_call("RES-1", status="evaluation", procedure="restricted")
    outcomes = [
        ("shortlisted", "awarded"),
        ("shortlisted", "reserve"),
        ("not_shortlisted", None),
        ("inadmissible", None),
    ]
    for rank, (note, full) in enumerate(outcomes, start=1):
        application = add_application(call, [], stage=Stage.concept_note)
        note_stage = application.stages[0]
        note_stage.status = StageStatus(note)
        if note != "inadmissible":
            note_stage.rank = rank
            store_final(note_stage, D(45 - rank))
        note_stage.inadmissible_reasons = (
            ["Sent after the concept-note deadline"] if note == "inadmissible" else []
        )
        if full:
            full_stage = ApplicationStage(
                stage=Stage.full_application,
                status=StageStatus(full),
                rank=rank,
                requested_grant=D("60000.00"),
                submitted_at=call.opens_at + timedelta(days=20),
                awarded_amount=D("60000.00") if full == "awarded" else None,
            )
            application.stages.append(full_stage)
            store_final(full_stage, D(90 - rank))
    db.session.flush()
    text = squeezed(report(call.id, tmp_path)[1])
    counts = text[text.index("ApplicationsConceptnoteFullapplication") :]
    assert counts.startswith(
        "ApplicationsConceptnoteFullapplicationSubmitted42Admissible32Inadmissible10"
        "Evaluated32Belowthreshold00Shortlisted2–Notshortlisted1–Awarded–1Reservelist–1"
        "Notselected–0Withdrawn00"
    )
    assert "Conceptnote:Wholecall" in text and "Fullapplication:Wholecall" in text
    rejected = text[text.index("Applicationsnotfunded") :]
    assert re.search(
        r"Conceptnote:Inadmissible\(1\)ReferenceLeadapplicantReasonsRES-1-0004Municipality\d+\(TR\)"
        r"Sentaftertheconcept-notedeadline",
        rejected,
    )
    assert re.search(
        r"Conceptnote:Notshortlisted\(1\)Theseconceptnotespassedeverythresholdbuttheshortlistwentto"
        r"conceptnotesrankedhigher\.ReferenceLeadapplicantRankFinalscoreRES-1-0003Municipality\d+\(TR\)"
        r"342\.00",
        rejected,
    )


def test_charts_count_applications_and_awards_per_lot_country_and_region(db, tmp_path):
    call = ranked_call(60)
    with force_locale("en"):
        charts = evaluation_report(call, overview(load_call(call.id))).charts
    awards = len(
        db.session.scalars(
            select(ApplicationStage).where(ApplicationStage.status == StageStatus.awarded)
        ).all()
    )
    assert awards > 0 and set(charts) == {"lot", "country", "region"}
    for tallies in charts.values():
        assert (
            sum(t.applications for t in tallies) == 60 and sum(t.awards for t in tallies) == awards
        )
    assert {t.label for t in charts["lot"]} == {
        "LOT1 – Culture",
        "LOT2 – Environment",
        "LOT3 – Youth",
    }
    assert "Türkiye" in {t.label for t in charts["country"]} and len(charts["region"]) <= 20
    text = squeezed(report(call.id, tmp_path)[1])
    for caption in (
        "Applicationsandawardsperlot",
        "Applicationsandawardspercountryoftheleadapplicant",
        "Applicationsandawardsperregionoftheleadapplicant",
        "LOT1–Culture",
        "Türkiye",
    ):
        assert caption in text


def test_the_report_takes_as_many_queries_for_a_large_call_as_for_a_small_one(db, tmp_path):
    counts = []
    for n, reference in ((6, "SMALL-1"), (40, "LARGE-1")):
        call_id = ranked_call(n, reference).id
        db.session.expunge_all()
        with count_queries(db.engine) as statements:
            build(call_id, "en", lambda percent: None, tmp_path / f"{reference}.pdf")
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert (
        db.session.scalar(select(Application.reference).where(Application.number == 40))
        == "LARGE-1-0040"
    )


def test_a_call_without_applications_gets_a_short_report(db, tmp_path):
    call = make_call("EMPTY-1", title="Nobody applied")
    name, reader, progress = report(call.id, tmp_path)
    text = squeezed(reader)
    assert name == "EMPTY-1-evaluation-report-en.pdf" and progress == [10, 40, 90]
    assert "Nobodyapplied" in text and "Noapplicationhasbeensubmittedtothiscall." in text
    assert "Noevaluatorinthecall'spool." in text and "Noapplicationwasrejectedorwithdrawn." in text


def test_an_unknown_call_is_a_clear_error(db, tmp_path):
    for builder in (build, build_zip):
        with pytest.raises(ExportError, match="There is no call with id 999999."):
            builder(999999, "en", lambda percent: None, tmp_path / "nothing")


def test_a_lead_from_another_country_shows_its_country_code(db, tmp_path):
    call = make_call("CTY-1", status="evaluation")
    application = add_application(call, [5, 5])
    application.lead = make_org("DE", "local_authority", name="Stadt Würzburg")
    db.session.flush()
    rank_call(call.id)
    text = squeezed(report(call.id, tmp_path)[1])
    assert "1CTY-1-0001StadtWürzburg(DE)100.00" in text and "Germany" in text


# Application PDFs (ZIP)
# ------------------------------------------------------------------------------

CONFIRMED_AT = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)


def small_call(db):
    """A call with an awarded, an inadmissible and a withdrawn application, and a draft."""
    call = make_call("ZIP-2026", status="evaluation", title="Twinning <script>x</script>")
    awarded = make_application(call, status="awarded", title='=HYPERLINK("x") <b>towns</b>')
    awarded.stages[0].rank, awarded.stages[0].awarded_amount = 1, D("90000")
    store_final(awarded.stages[0], D("80"))
    awarded.partners[0].confirmed_at = CONFIRMED_AT  # a fixed clock: the summary prints the date
    awarded.attachments.append(
        Attachment(
            kind=AttachmentKind.declaration,
            original_name="declaration <1>.pdf",
            stored_name="zip-declaration",
            content_type="application/pdf",
            size=2048,
        )
    )
    inadmissible = make_application(call, status="inadmissible")
    inadmissible.stages[0].inadmissible_reasons = ["Declaration not signed"]
    withdrawn = make_application(call, status="withdrawn")
    make_application(call)  # a draft: never submitted
    db.session.flush()
    return call, awarded, inadmissible, withdrawn


def archive(
    call_id: int, tmp_path: Path, locale: str = "en"
) -> tuple[str, dict[str, PdfReader], list[int]]:
    progress: list[int] = []
    name = build_zip(call_id, locale, progress.append, tmp_path / "pdfs.zip")
    with zipfile.ZipFile(tmp_path / "pdfs.zip") as zipped:
        assert zipped.namelist()[-1] == "index.csv"  # tests/integration/exports/test_documents.py
        return (
            name,
            {
                entry: PdfReader(io.BytesIO(zipped.read(entry)))
                for entry in zipped.namelist()
                if entry != "index.csv"
            },
            progress,
        )


def test_the_archive_holds_each_submitted_application_summary(db, tmp_path):
    call, awarded, inadmissible, withdrawn = small_call(db)
    name, files, progress = archive(call.id, tmp_path)
    assert (
        name == "ZIP-2026-application-pdfs-en.zip"
        and progress[-1] == 100
        and progress == sorted(progress)
    )
    assert set(files) == {f"{a.reference}/summary.pdf" for a in (awarded, inadmissible, withdrawn)}
    reader = files[f"{awarded.reference}/summary.pdf"]
    text = squeezed(reader)
    for shown_text in (
        awarded.reference,
        "ZIP-2026–Twinning<script>x</script>",
        '=HYPERLINK("x")<b>towns</b>',
        "Germany",
        "HoststhestudyvisitsMar3,2026",
        "Sharedclimateactionplans.",
        "Studyvisits,jointworkshops.",
        "Twoadoptedplans.",
        "1HumanresourcesProjectstaff",
        "Totaleligiblecosts€107,000.00",
        "Requestedgrant€90,000.00",
        "Grantrate84.11%",
        "declaration<1>.pdf2kB",
    ):
        assert shown_text in text, shown_text
    assert "Awarded" not in text and "Status" not in text  # the index says it: it changes
    assert reader.metadata.title == f"Application {awarded.reference}"
    assert reader.trailer["/Root"]["/Lang"] == "en" and "/StructTreeRoot" in reader.trailer["/Root"]
    assert "Declarationnotsigned" not in squeezed(files[f"{inadmissible.reference}/summary.pdf"])


def test_decision_letters_join_the_summaries_once_the_decisions_are_final(db, tmp_path):
    call, awarded, inadmissible, withdrawn = small_call(db)
    call.finalised_at = now_utc()
    db.session.flush()
    _name, files, _progress = archive(call.id, tmp_path)
    letters = {entry for entry in files if entry.endswith("/decision-letter.pdf")}
    assert letters == {
        f"{awarded.reference}/decision-letter.pdf",
        f"{inadmissible.reference}/decision-letter.pdf",
    }
    assert len(files) == 5  # three summaries; the withdrawn application gets no letter
    letter = squeezed(files[f"{inadmissible.reference}/decision-letter.pdf"])
    assert (
        f"Decisiononapplication{inadmissible.reference}" in letter
        and "Declarationnotsigned" in letter
    )
    assert "€90,000.00" in squeezed(files[f"{awarded.reference}/decision-letter.pdf"])


def test_the_archive_in_turkish_with_a_fixed_number_of_queries(db, tmp_path):
    call, awarded, *_rest = small_call(db)
    with count_queries(db.engine) as few:
        _name, files, _progress = archive(call.id, tmp_path, "tr")
    text = squeezed(files[f"{awarded.reference}/summary.pdf"])
    assert "Ortaklık" in text and "Proje" in text and "Hibeverildi" not in text
    assert files[f"{awarded.reference}/summary.pdf"].trailer["/Root"]["/Lang"] == "tr"
    for _ in range(5):
        make_application(call, status="admissible")
    db.session.flush()
    db.session.expunge_all()
    with count_queries(db.engine) as more:
        assert len(archive(call.id, tmp_path, "tr")[1]) == 8
    assert len(more) == len(few)
