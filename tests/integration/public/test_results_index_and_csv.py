"""Public results reachable from the index and downloadable as open data (issue 16, gap 1): the
public index lists, besides the open calls, the calls whose decisions are final, each linking to
its results page, paginated in a constant number of queries; the results page offers the same
published rows as a CSV (UTF-8 with BOM, a fixed column order, formulas neutralised), 404 before
the decisions are final."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from grants.awards.queries.results import DECIDED_PER_PAGE
from grants.models import Call
from tests.conftest import count_queries, selects
from tests.factories import make_application, make_call, make_org

FINAL = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)  # 21 November in Istanbul
HEADER = [
    "Reference",
    "Beneficiary",
    "Address",
    "Locality",
    "Country",
    "Partners",
    "Title",
    "Purpose",
    "Duration (months)",
    "Lot",
    "Amount",
    "Currency",
    "Publication date",
]


def decided_call(reference: str, finalised_at: datetime | None = FINAL, lots: int = 2):
    call = make_call(
        reference=reference,
        title=f"Twinning {reference}",
        status="decided",
        opens_in=timedelta(days=-90),
        deadline_in=timedelta(days=-30),
        lots=[(f"Lot {n}", Decimal("1300000")) for n in range(1, lots + 1)],
    )
    call.finalised_at = finalised_at
    return call


def award(call, amount: str, lot: int = 0, status: str = "awarded", **kw):
    lead = make_org(
        "TR",
        name=kw.pop("lead_name", "Nilüfer Belediyesi"),
        region=kw.pop("region", "Bursa"),
        address=kw.pop("address", "Atatürk Cd. 1"),
    )
    partner = make_org("DE", "local_authority", name=kw.pop("partner_name", "Stadt Esslingen"))
    application = make_application(call, lead=lead, partners=[partner], status=status, **kw)
    application.lot = call.lots[lot]
    application.stages[0].awarded_amount = Decimal(amount)
    return application


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def rows(response) -> list[list[str]]:
    body = response.data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_index_lists_decided_calls_linking_to_their_results_and_csv(client, db):
    decided_call("DONE-1")
    decided_call("OPEN-NOT-FINAL", finalised_at=None)  # decided but not final: nothing public
    db.session.commit()
    html = text(client, "/")
    assert 'id="results-heading"' in html
    assert 'href="/calls/DONE-1/results"' in html and 'href="/calls/DONE-1/results.csv"' in html
    assert "Results of Twinning DONE-1" in html and "November 21, 2026" in html
    assert "OPEN-NOT-FINAL" not in html


def test_the_index_says_when_no_result_is_published(client, db):
    html = text(client, "/")
    assert "results are published yet." in html


def test_decided_calls_are_paged_latest_first_in_constant_queries(client, db):
    counts = []
    for batch, total in ((1, 2), (2, DECIDED_PER_PAGE * 2 + 3)):
        while len(list_references(db)) < total:
            n = len(list_references(db))
            decided_call(f"C{batch}-{n:03}", finalised_at=FINAL + timedelta(hours=n))
        db.session.commit()
        with count_queries(db.engine) as statements:
            text(client, "/")
        counts.append(selects(statements))
    assert counts[0] == counts[1]
    first, third = text(client, "/"), text(client, "/?page=3")
    newest = sorted(list_references(db))[-1]  # the last made is the latest finalised
    assert f"/calls/{newest}/results" in first
    assert 'aria-label="Pages of Results"' in first and 'href="/?page=2#results"' in first
    assert third.count('results.csv"') == 3  # 23 calls: 10, 10, then 3
    assert text(client, "/?page=99").count('results.csv"') == 0  # past the end: an empty page


def list_references(db) -> list[str]:
    return list(db.session.scalars(select(Call.reference).where(Call.finalised_at.is_not(None))))


def test_the_csv_holds_the_published_rows_in_a_fixed_order(client, db):
    call = decided_call("TTGS-2026")
    award(
        call,
        "125000.50",
        lot=1,
        title="Kardeş şehirler: yeşil dönüşüm",
        summary="Çocuklar için İzmir–Köln değişimi",
        duration_months=18,
        lead_name="Şişli Belediyesi",
        region="İstanbul",
        address="Halaskargazi Cd. 15",
    )
    award(call, "90000.00", lot=0, lead_name='=HYPERLINK("http://evil")', title="+SUM(A1)")
    award(call, "50000.00", status="reserve", lead_name="Hidden reserve")
    db.session.commit()
    response = client.get("/calls/TTGS-2026/results.csv")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.data.startswith("\ufeff".encode())  # the BOM: Excel reads Turkish letters
    assert 'attachment; filename="TTGS-2026-results.csv"' == response.headers["Content-Disposition"]
    header, first, second = rows(response)  # the reserve list is never published
    assert header == HEADER
    assert first[1] == '\'=HYPERLINK("http://evil")' and first[6] == "'+SUM(A1)"  # lot 1 first
    assert first[9:12] == ["LOT1", "90000.00", "EUR"]
    assert second == [
        second[0],
        "Şişli Belediyesi",
        "Halaskargazi Cd. 15",
        "İstanbul",
        "TR",
        "Stadt Esslingen (DE)",
        "Kardeş şehirler: yeşil dönüşüm",
        "Çocuklar için İzmir–Köln değişimi",
        "18",
        "LOT2",
        "125000.50",
        "EUR",
        "2026-11-21",  # the day of finalisation in the call's zone (Istanbul)
    ]
    assert second[0].startswith("TTGS-2026")
    assert b"\r\n" in response.data


def test_the_results_page_links_the_csv(client, db):
    decided_call("TTGS-2026")
    db.session.commit()
    html = text(client, "/calls/TTGS-2026/results")
    assert 'href="/calls/TTGS-2026/results.csv"' in html and "Download as open data (CSV)" in html
    with client.session_transaction() as session:
        session["lang"] = "tr"
    assert "Açık veri olarak indir (CSV)" in text(client, "/calls/TTGS-2026/results")
    index = text(client, "/")
    assert "Sonuçlar" in index and "21 Kasım 2026" in index


def test_no_csv_before_the_decisions_are_final_nor_for_a_draft(client, db):
    call = decided_call("NOT-YET", finalised_at=None)
    award(call, "90000.00")
    make_call(reference="DRAFT-1", status="draft")
    db.session.commit()
    assert client.get("/calls/NOT-YET/results.csv").status_code == 404
    assert client.get("/calls/DRAFT-1/results.csv").status_code == 404
    assert client.get("/calls/NOPE/results.csv").status_code == 404


def test_the_csv_query_count_does_not_grow_with_the_awards(client, db):
    counts = []
    for reference, awards in (("FEW-1", 1), ("MANY-1", 12)):
        call = decided_call(reference)
        for n in range(awards):
            award(call, "60000.00", lot=n % 2, lead_name=f"Lead {reference} {n}")
        db.session.commit()
        with count_queries(db.engine) as statements:
            assert client.get(f"/calls/{reference}/results.csv").status_code == 200
        counts.append(selects(statements))
    assert counts[0] == counts[1]
