"""The grant pages send as many queries with 30 grants as with 3 (issue 17 item 9: constant
query counts on the grant pages), each grant with a payment waiting for authorisation and a final
report sent (and the first grant more payments by other staff users): staff's lists of grants and
of payments, the oversight page (every call, and the call's), and one grant's page, payments,
reports and amendments, for staff and the lead."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from grants.extensions import db as _db
from grants.models import Grant, GrantPayment, GrantReport
from tests.conftest import count_queries
from tests.factories import make_call, make_user
from tests.factories.grants import make_grant
from tests.factories.payments import recorded_payment
from tests.factories.reporting import lead_of, written_report

NOW = datetime(2029, 1, 10, 9, tzinfo=UTC)  # after the grants' end: the final reports are due


def _add_grants(call, staff, count: int) -> None:
    for _ in range(count):
        grant = make_grant(call=call)
        recorded_payment(grant, Decimal("1000.00"), staff.id)
        written_report(grant)
    _db.session.commit()


def _counts(client, urls: list[str]) -> dict[str, int]:
    counts = {}
    for url in urls:
        with count_queries(_db.engine) as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(statements)
    return counts


def _grant_pages(grant: Grant) -> list[str]:
    base = f"/grants/{grant.id}"
    return [base, f"{base}/payments", f"{base}/reports", f"{base}/amendments"]


def _all_counts(client, login_as, staff, grant) -> dict[str, dict[str, int]]:
    login_as(user=staff)
    staff_pages = ["/staff/grants", "/staff/payments", "/staff/oversight", *_grant_pages(grant)]
    by_staff = _counts(client, [*staff_pages, f"/staff/oversight?call={grant.call_id}"])
    login_as(user=lead_of(grant))
    return {"staff": by_staff, "lead": _counts(client, _grant_pages(grant))}


def test_the_grant_pages_send_as_many_queries_with_30_grants_as_with_3(
    db, client, login_as, fixed_now
):
    fixed_now(NOW)
    call = make_call(status="decided")
    staff = make_user("staff")
    _add_grants(call, staff, 3)
    first = _db.session.scalars(select(Grant).order_by(Grant.id)).first()
    few = _all_counts(client, login_as, staff, first)
    _add_grants(call, staff, 27)
    for _ in range(3):  # and the first grant more payments, each recorded by someone else
        recorded_payment(first, Decimal("100.00"), make_user("staff").id)
    _db.session.commit()
    assert _db.session.scalar(select(func.count()).select_from(GrantPayment)) == 33
    assert _db.session.scalar(select(func.count()).select_from(GrantReport)) == 30
    assert _all_counts(client, login_as, staff, first) == few
    last = _db.session.scalars(select(Grant).order_by(Grant.id.desc())).first()
    login_as(user=staff)
    for url in ("/staff/grants", "/staff/payments"):  # the lists did grow
        assert last.number in client.get(url).get_data(as_text=True), url
