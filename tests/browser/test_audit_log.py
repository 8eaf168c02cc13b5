"""Journey: staff change a decision with a justification, then open the call's audit log, filter it
by the application's reference and find the change: who, when, from, to and why."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

import grants
from grants.awards import rank_call
from grants.bundle import import_bundle, load
from tests.browser.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

EXAMPLE = Path(grants.__file__).parent / "data" / "ttgs-demo.bundle.json"
WHY = "Double funding: the same activities are funded under the 2017 call."


def test_staff_filter_the_audit_log_by_application_and_see_the_override(page, live_db):
    call = import_bundle(load(EXAMPLE))
    live_db.session.flush()
    rank_call(call.id)
    make_user("staff", email="staff@example.org", name="Selin Staff")
    live_db.session.commit()

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/ranking")
    page.get_by_role("link", name="Change TTGS-DEMO-0036").click()
    page.get_by_label("Not selected").check()
    page.get_by_label("Justification").fill(WHY)
    page.get_by_role("button", name="Change the decision").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "The decision on TTGS-DEMO-0036 was changed."
    )

    page.get_by_role("link", name="Back to the call").click()
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.get_by_label("Call")).to_have_value(str(call.id))
    page.get_by_label("Application reference").fill("ttgs-demo-0036")
    page.get_by_role("button", name="Filter").click()

    expect(page.get_by_label("Application reference")).to_have_value("TTGS-DEMO-0036")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(
        3
    )  # the header, the override, the ranking's proposal
    change = table.get_by_role("row", name=re.compile("Decision changed by staff"))
    expect(change).to_contain_text("Selin Staff")
    expect(change).to_contain_text("Status: Awarded → Not selected")
    expect(change).to_contain_text(f"Justification: {WHY}")
    expect(change).to_contain_text("(Europe/Istanbul)")
    expect(
        table.get_by_role("row", name=re.compile("Decision proposed by the ranking"))
    ).to_contain_text("Status: Admissible → Awarded")

    page.get_by_label("Application reference").fill("TTGS-DEMO-0029")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("table")).not_to_contain_text(WHY)
    page.get_by_label("Application reference").fill("TTGS-DEMO-9999")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "No application has the reference TTGS-DEMO-9999."
    )
