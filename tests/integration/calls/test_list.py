"""The staff list of calls: every status, deadline in the call's zone, application counts in one
query."""

from __future__ import annotations

import re

from tests.conftest import count_queries, selects
from tests.factories import make_call
from tests.factories.calls import submit_application


def test_every_call_listed_with_counts(client, login_as, db):
    login_as("staff")
    call = make_call(reference="TTGS-2026", timezone="Europe/Berlin")
    submit_application(call)
    submit_application(call, submitted=False)
    make_call(reference="DRAFT-9", status="draft")
    make_call(reference="OLD-1", status="closed")
    db.session.commit()
    page = client.get("/staff/calls/").get_data(as_text=True)
    for reference in ("TTGS-2026", "DRAFT-9", "OLD-1"):
        assert reference in page
    assert "(Europe/Berlin)" in page and "Draft" in page and "Closed" in page
    row = re.search(r"TTGS-2026.*?</tr>", page, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["2", "1"]


def test_list_query_count_does_not_grow_with_calls(client, login_as, db):
    login_as("staff")
    counts = []
    for n in (2, 20):
        for _ in range(n):
            submit_application(make_call())
        db.session.commit()
        with count_queries(db.engine) as statements:
            assert client.get("/staff/calls/").status_code == 200
        counts.append(selects(statements))
    assert counts[0] == counts[1]
