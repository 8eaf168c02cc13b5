"""The report page's queries stay the same in number however many lines and indicators it has."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from grants.extensions import db as _db
from grants.models import GrantBudgetLine
from tests.conftest import count_queries
from tests.factories.grants import make_grant
from tests.factories.reporting import add_indicators, lead_of, written_report

D = Decimal


def _grant(lines: int, indicators: int):
    grant = make_grant()
    for n in range(lines):
        grant.current.lines.append(
            GrantBudgetLine(position=10 + n, heading=1 + n % 6, description=f"Line {n}", amount=0)
        )
    add_indicators(grant, indicators)
    report = written_report(grant, submit=False)
    _db.session.commit()
    return grant, report


def _count(client, grant, report) -> int:
    with count_queries(_db.engine) as statements:
        assert client.get(f"/grants/{grant.id}/reports/{report.id}").status_code == 200
    return len(statements)


def test_the_report_page_queries_do_not_grow(db, client, login_as, fixed_now):
    fixed_now(datetime(2029, 1, 10, tzinfo=UTC))
    small, small_report = _grant(0, 1)
    large, large_report = _grant(30, 25)
    assert len(large_report.lines) == 32 and len(large_report.indicators) == 25
    login_as(user=lead_of(small))
    few = _count(client, small, small_report)
    login_as(user=lead_of(large))
    many = _count(client, large, large_report)
    assert few == many
    login_as("staff")
    assert _count(client, small, small_report) == _count(client, large, large_report)
