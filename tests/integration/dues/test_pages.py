"""The oversight page and the payments overview read what grants.payments.dues keeps: due or overdue
judged at the request's clock in each grant's call zone (as the grant's own payments page judges
it), the items paged while the counts cover them all."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from grants.payments.queries import local_day, open_items, schedule
from tests.factories import make_call
from tests.factories.grants import make_grant


def _states(now: datetime, grants) -> tuple[dict, dict]:
    """(the overview's state per open item, the grant's own schedule's) at `now`."""
    listed = {
        (row.grant.id, row.item.kind.value, row.item.period): (row.item.status, row.item.due_on)
        for row in open_items(now)
    }
    own = {
        (grant.id, item.kind.value, item.period): (item.status, item.due_on)
        for grant in grants
        for item in schedule(grant, local_day(grant, now))
        if item.status.open
    }
    return listed, own


def test_due_or_overdue_is_judged_on_each_calls_day_at_the_readers_clock(db):
    east = make_grant(call=make_call(status="decided", timezone="Asia/Tokyo"))
    west = make_grant(call=make_call(status="decided", timezone="America/Los_Angeles"))
    due_on = schedule(east, local_day(east, datetime.now(UTC)))[0].due_on
    # the evening after the due date in UTC: already the next day in Tokyo, not in Los Angeles
    now = datetime.combine(due_on, time(20), tzinfo=UTC)
    listed, own = _states(now, [east, west])
    assert listed == own
    assert {status.value for status, _ in listed.values()} == {"due", "overdue"}
    # a day earlier, nothing is overdue anywhere; the stored rows did not change between
    earlier, own = _states(now - timedelta(days=2), [east, west])
    assert earlier == own and {status.value for status, _ in earlier.values()} == {"due"}


def test_the_oversight_page_pages_its_items_and_counts_them_all(
    db, client, login_as, fixed_now, monkeypatch
):
    call = make_call(status="decided")
    grants = [make_grant(call=call) for _ in range(3)]  # pre-financing never paid
    db.session.commit()
    fixed_now(datetime(2027, 3, 1, 9, tzinfo=UTC))
    monkeypatch.setattr("grants.oversight.routes.PER_PAGE", 2)
    login_as("staff")
    first = client.get("/staff/oversight").get_data(as_text=True)
    second = client.get(f"/staff/oversight?call={call.id}&dues_page=2").get_data(as_text=True)
    counts = first.split('id="table-dues"')[1].split("</table>")[0]
    assert '<td class="text-end">3</td>' in counts  # the three payments overdue
    items = [page.split('id="table-due-items"')[1].split("</table>")[0] for page in (first, second)]
    shown = [[g.number for g in grants if g.number in page] for page in items]
    assert [len(numbers) for numbers in shown] == [2, 1]
    assert sorted(shown[0] + shown[1]) == sorted(g.number for g in grants)
    assert "dues_page=2" in first and f"call={call.id}" in second.split("pagination")[1]
