"""Journey (issue 12.8): staff see uneven evaluator loads on the assignment page, open the
rebalancing proposal, confirm it, and find the loads differing by at most 1, the started evaluation
still with its evaluator; then a call whose rules forbid a perfect balance says what the best
achievable is."""

import re

import pytest
from playwright.sync_api import Page, expect

from grants.models import Assignment, CallEvaluator, ConflictStatus
from tests.browser.helpers import log_in
from tests.factories import make_application, make_call, make_org, make_user

pytestmark = pytest.mark.browser
NAMES = ["Ayşe Arslan", "Burak Bulut", "Cem Çelik", "Deniz Doğan", "Elif Erdem"]


def _arrange(db):
    """Loads 8/8/1/1/0 (two evaluators per application); Ayşe has declared on the first
    application."""
    call = make_call(reference="TTGS-BAL", status="evaluation", evaluators_per_application=2)
    apps = [
        make_application(call, status="admissible", title=f"Twin towns {n}") for n in range(1, 10)
    ]
    users = [make_user("evaluator", name=name) for name in NAMES]
    db.session.add_all(CallEvaluator(call_id=call.id, user_id=u.id) for u in users)
    for n, app in enumerate(apps[:8]):
        started = ConflictStatus.no_conflict if n == 0 else ConflictStatus.undeclared
        db.session.add_all(
            [
                Assignment(stage=app.stages[0], evaluator=users[0], conflict=started),
                Assignment(stage=app.stages[0], evaluator=users[1]),
            ]
        )
    db.session.add_all(
        [
            Assignment(stage=apps[8].stages[0], evaluator=users[2]),
            Assignment(stage=apps[8].stages[0], evaluator=users[3]),
        ]
    )
    make_user("staff", email="staff@example.org", name="Selin Staff")
    db.session.commit()
    return call, apps, users


def _loads(page: Page) -> dict[str, str]:
    table = page.get_by_role("table", name="Evaluator pool")
    return {
        name: table.get_by_role("row", name=re.compile(name))
        .get_by_role("cell")
        .nth(2)
        .inner_text()
        for name in NAMES
    }


def test_staff_rebalance_the_assignments(page, live_db, tmp_path):
    call, apps, users = _arrange(live_db)

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/evaluators")
    assert _loads(page) == dict(zip(NAMES, ["8", "8", "1", "1", "0"], strict=True))
    expect(page.get_by_text("The evaluators have from 0 to 8 assignments each")).to_be_visible()
    page.get_by_role("link", name="Rebalance the loads").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rebalance the assignments")
    proposal = page.get_by_role("table", name="Assignments per evaluator, now and after the moves")
    expect(proposal.get_by_role("row", name=re.compile("Ayşe Arslan"))).to_contain_text(
        "1"
    )  # started: 1
    expect(page.get_by_role("heading", name="8 assignments to move")).to_be_visible()
    page.screenshot(path=str(tmp_path / "rebalance-proposal.png"), full_page=True)
    page.get_by_role("button", name="Confirm: move 8 assignments").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "8 assignments were moved: the evaluators now have 3 to 4 assignments each."
    )
    loads = _loads(page)
    assert sorted(loads.values()) == ["3", "3", "4", "4", "4"] and (
        loads[NAMES[0]],
        loads[NAMES[1]],
    ) == ("4", "4")
    expect(page.get_by_text("The evaluators have from")).to_have_count(0)
    first = page.get_by_role("row", name=re.compile(apps[0].reference))
    expect(first).to_contain_text("Ayşe Arslan")  # her started assignment stayed
    page.screenshot(path=str(tmp_path / "rebalance-done.png"), full_page=True)

    page.get_by_role("link", name="Rebalance the loads").click()
    expect(
        page.get_by_text("The loads already differ by at most 1: there is nothing to move.")
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Confirm"))).to_have_count(0)


def test_staff_are_told_the_best_achievable_when_the_rules_forbid_a_perfect_balance(
    page, live_db, tmp_path
):
    lead = make_org("TR", name="Kadıköy Belediyesi")
    call = make_call(reference="TTGS-RULES", status="evaluation", evaluators_per_application=1)
    apps = [make_application(call, lead=lead, status="admissible") for _ in range(4)]
    busy = make_user("evaluator", name="Busy Assessor")
    free = make_user("evaluator", name="Free Assessor")
    own = make_user("evaluator", name="Kadıköy Assessor", organisation=lead)
    live_db.session.add_all(CallEvaluator(call_id=call.id, user_id=u.id) for u in (busy, free, own))
    for n, app in enumerate(apps):
        live_db.session.add(
            Assignment(
                stage=app.stages[0],
                evaluator=busy,
                conflict=ConflictStatus.no_conflict if n < 2 else ConflictStatus.undeclared,
            )
        )
    make_user("staff", email="staff@example.org")
    live_db.session.commit()

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/evaluators/rebalance")
    warning = page.locator("#best-achievable")
    expect(warning).to_contain_text(
        "A perfect balance (loads differing by at most 1) is not possible under the rules."
    )
    expect(warning).to_contain_text(
        "The best achievable is 0 to 2 assignments per evaluator (today: 0 to 4)."
    )
    page.screenshot(path=str(tmp_path / "rebalance-impossible.png"), full_page=True)
    page.get_by_role("button", name="Confirm: move 2 assignments").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "2 assignments were moved: the evaluators now have 0 to 2 assignments each."
    )
