"""A call's public results (issue 16 item 8): once the decisions are final, the call page and its
results page list the awarded grants as PRAG's publication of awards names them; never before, and
never a reserve-list, rejected or withdrawn application."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from grants.models import StageStatus
from tests.conftest import count_queries, selects
from tests.factories import make_application, make_call, make_org

FINAL = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def decided_call(reference: str = "TTGS-2026", lots: int = 2):
    return make_call(
        reference=reference,
        status="decided",
        opens_in=timedelta(days=-90),
        deadline_in=timedelta(days=-30),
        lots=[(f"Lot {n}", Decimal("1300000")) for n in range(1, lots + 1)],
    )


def decide(call, status: str, amount: str | None = None, lot: int = 0, **kw):
    lead = make_org(
        "TR",
        name=kw.pop("lead_name", None) or f"Belediye {status}",
        region=kw.pop("region", "Bursa"),
        address=kw.pop("address", "Atatürk Cd. 1"),
    )
    partner = make_org("DE", "local_authority", name=kw.pop("partner_name", f"Stadt {status}"))
    application = make_application(call, lead=lead, partners=[partner], status=status, **kw)
    application.lot = call.lots[lot]
    if amount is not None:
        application.stages[0].awarded_amount = Decimal(amount)
    return application


def outcomes(call):
    """One application of each outcome but the award, whose names must never be published."""
    for status in ("reserve", "not_selected", "below_threshold", "inadmissible", "withdrawn"):
        decide(call, status, title=f"Hidden {status}")


def finalise(db, call, when: datetime = FINAL):
    call.finalised_at = when
    db.session.commit()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_nothing_is_published_before_the_decisions_are_final(client, db):
    call = decided_call()
    decide(call, "awarded", "90000.00", title="Green twin towns")
    outcomes(call)
    db.session.commit()
    html = page(client, "/calls/TTGS-2026")
    assert "Green twin towns" not in html and "Awarded grants" not in html
    assert client.get("/calls/TTGS-2026/results").status_code == 404


def test_the_call_page_lists_each_awarded_grant_once_final(client, db):
    call = decided_call()
    decide(
        call,
        "awarded",
        "90000.00",
        title="Green twin towns",
        lead_name="Nilüfer Belediyesi",
        partner_name="Stadt Esslingen am Neckar",
        region="Bursa",
        address="Nilüfer Kent Meydanı 5",
    )
    decide(call, "awarded", "125000.50", lot=1, title="Shared heritage", duration_months=18)
    outcomes(call)
    finalise(db, call)
    html = page(client, "/calls/TTGS-2026")
    for shown in (
        "Awarded grants",
        "Decisions published on November 20, 2026.",
        "2 grants awarded, in total €215,000.50.",
        "Nilüfer Belediyesi",
        "Nilüfer Kent Meydanı 5, Bursa, Türkiye",  # the beneficiary's address and locality
        "Stadt Esslingen am Neckar",
        "(Germany)",
        "Green twin towns",
        "TTGS-2026-0001",
        "€90,000.00",
        "€125,000.50",
        "LOT1 – Lot 1",
        "LOT2 – Lot 2",
        "24 months",
        "18 months",
        'href="/calls/TTGS-2026/results"',
    ):
        assert shown in html, shown
    for hidden in ("Hidden", "Belediye reserve", "Stadt reserve", "Belediye withdrawn"):
        assert hidden not in html, hidden


def test_the_results_page_adds_each_project_purpose(client, db):
    call = decided_call()
    decide(call, "awarded", "90000.00", summary="Two towns share their climate plans.")
    decide(call, "reserve", summary="A reserve project's purpose.")
    finalise(db, call)
    html = page(client, "/calls/TTGS-2026/results")
    assert "Results of Town twinning call" in html
    assert "Two towns share their climate plans." in html
    assert "A reserve project" not in html
    assert "1 grant awarded, in total €90,000.00." in html
    # the call page keeps the table short: the purposes are on the results page
    assert "Two towns share their climate plans." not in page(client, "/calls/TTGS-2026")


def test_a_call_that_awarded_nothing_says_so(client, db):
    call = decided_call()
    outcomes(call)
    finalise(db, call)
    html = page(client, "/calls/TTGS-2026/results")
    assert "0 grants awarded" in html and "No grant was awarded in this call." in html


def test_a_withdrawn_award_is_no_longer_listed(client, db):
    call = decided_call()
    kept = decide(call, "awarded", "90000.00", title="Kept project")
    gone = decide(call, "awarded", "80000.00", title="Withdrawn project")
    finalise(db, call)
    gone.stages[0].status = StageStatus.withdrawn
    db.session.commit()
    html = page(client, "/calls/TTGS-2026/results")
    assert kept.title in html and "Withdrawn project" not in html


def test_amounts_and_dates_in_turkish(client, db):
    call = decided_call()
    decide(call, "awarded", "125000.50", duration_months=18)
    finalise(db, call)
    with client.session_transaction() as session:
        session["lang"] = "tr"
    html = page(client, "/calls/TTGS-2026/results")
    assert "€125.000,50" in html
    assert "20 Kasım 2026" in html
    assert "18 ay" in html
    assert "Almanya" in html  # the partner's country, named in Turkish


def test_a_draft_call_has_no_results_page(client, db):
    make_call(reference="DRAFT-1", status="draft")
    db.session.commit()
    assert client.get("/calls/DRAFT-1/results").status_code == 404
    assert client.get("/calls/NOPE/results").status_code == 404


@pytest.mark.parametrize("url", ["/calls/{ref}", "/calls/{ref}/results"])
def test_query_count_does_not_grow_with_the_awards(client, db, url):
    counts = []
    for reference, awards in (("FEW-1", 1), ("MANY-1", 12)):
        call = decided_call(reference)
        for n in range(awards):
            decide(call, "awarded", "60000.00", lot=n % 2, lead_name=f"Lead {reference} {n}")
        outcomes(call)
        finalise(db, call)
        with count_queries(db.engine) as statements:
            page(client, url.format(ref=reference))
        counts.append(selects(statements))
    assert counts[0] == counts[1]
