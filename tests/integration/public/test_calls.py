"""The public list of calls and a call's public page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from grants.calls.presenters import remaining
from tests.conftest import count_queries, selects
from tests.factories import make_call


def test_open_call_with_key_figures_and_time_left(client, db):
    make_call(
        reference="TTGS-2026",
        title="Town twinning 2026",
        deadline_in=timedelta(days=12, hours=4, minutes=30),
        lots=[("Environment", Decimal("1600000")), ("Culture", Decimal("1000000"))],
    )
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Town twinning 2026" in page
    assert "12 days 4 hours left" in page
    assert "€2,600,000.00" in page and "€60,000.00 to €130,000.00" in page
    assert "(Europe/Istanbul)" in page
    assert '<dd class="col-sm-8">2</dd>' in page  # two lots


def test_deadline_shown_in_the_call_zone(client, db):
    call = make_call(title="Zoned", deadline_in=timedelta(days=400))
    call.deadline = datetime(call.deadline.year, 3, 15, 14, 0, tzinfo=UTC)
    call.opens_at = call.deadline - timedelta(days=500)
    db.session.commit()
    assert "5:00:00\u202fPM (Europe/Istanbul)" in client.get("/").get_data(as_text=True)


def test_upcoming_calls_listed_apart(client, db):
    make_call(title="Opens next month", opens_in=timedelta(days=30), deadline_in=timedelta(days=90))
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "No call is open for submissions at the moment." in page
    assert "Upcoming calls" in page and "Opens next month" in page


def test_drafts_closed_and_past_calls_are_hidden(client, db):
    make_call(reference="DRAFT-1", title="Secret draft", status="draft")
    make_call(title="Closed call", status="closed")
    make_call(
        title="Past deadline", opens_in=timedelta(days=-60), deadline_in=timedelta(seconds=-1)
    )
    make_call(title="In evaluation", status="evaluation")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    for title in ("Secret draft", "Closed call", "Past deadline", "In evaluation"):
        assert title not in page
    assert client.get("/calls/DRAFT-1").status_code == 404


def test_call_page_shows_the_public_details(client, db):
    make_call(
        reference="TTGS-2026",
        title="Town twinning 2026",
        procedure="restricted",
        lots=[("Environment", Decimal("1600000")), ("Culture", Decimal("1000000"))],
    )
    db.session.commit()
    page = client.get("/calls/TTGS-2026").get_data(as_text=True)
    for text in (
        "Open for concept notes.",
        "LOT1 – Environment",
        "€1,600,000.00",
        "50% to 90%",
        "12 to 24 months",
        "at most 7% of the direct costs",
        "Municipality",
        "from Türkiye or an EU member state",
        "1 to 3 partners",
        "Concept-note deadline",
        "Financial and operational capacity",
        "Relevance",
        "Times in Europe/Istanbul",
        "at most 1 application to this call",
    ):
        assert text in page, text


def test_open_call_page_says_how_long_is_left(client, db):
    make_call(reference="OPEN-1", deadline_in=timedelta(hours=5, minutes=30))
    db.session.commit()
    page = client.get("/calls/OPEN-1").get_data(as_text=True)
    assert "Open for submissions." in page and "5 hours 29 minutes left" in page


def test_closed_call_page_says_so(client, db):
    make_call(
        reference="OLD-1",
        status="closed",
        opens_in=timedelta(days=-90),
        deadline_in=timedelta(days=-30),
    )
    db.session.commit()
    assert "Closed for submissions." in client.get("/calls/OLD-1").get_data(as_text=True)


def _queries(client, db, n: int) -> int:
    for _ in range(n):
        make_call(lots=[("A", Decimal("1300000")), ("B", Decimal("1300000"))])
        make_call(opens_in=timedelta(days=3))
    db.session.commit()
    with count_queries(db.engine) as statements:
        assert client.get("/").status_code == 200
    return selects(statements)


def test_public_list_query_count_does_not_grow_with_calls(client, db):
    few = _queries(client, db, 1)  # 2 calls
    many = _queries(client, db, 10)  # 20 more
    assert few == many


def test_call_page_query_count_does_not_grow_with_lots(client, db):
    make_call(reference="Q-1", lots=[("A", Decimal("2600000"))])
    make_call(
        reference="Q-2",
        procedure="restricted",
        lots=[(f"L{i}", Decimal("260000")) for i in range(10)],
    )
    db.session.commit()
    counts = []
    for reference in ("Q-1", "Q-2"):
        with count_queries(db.engine) as statements:
            assert client.get(f"/calls/{reference}").status_code == 200
        counts.append(selects(statements))
    assert counts[0] == counts[1]


def test_remaining_time():
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert remaining(now + timedelta(days=12, hours=4, minutes=59), now) == (12, 4, 59)
    assert remaining(now - timedelta(minutes=1), now) == (0, 0, 0)


def test_health_answers_ok_with_one_query(client, db):
    from tests.conftest import count_queries

    with count_queries(db.engine) as statements:
        response = client.get("/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert [s for s in statements if not s.startswith("SAVEPOINT")] == ["SELECT 1"]
