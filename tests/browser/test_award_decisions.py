"""Journey: staff rank the example call, reduce one award with a justification and finalise; the
lead applicant of that application then sees the decision and downloads the letter."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

import grants
from grants.bundle import import_bundle, load
from grants.models import Application
from tests.browser.helpers import log_in, log_out
from tests.factories import make_authority, make_user
from tests.factories.committee import approve_committee

pytestmark = pytest.mark.browser

EXAMPLE = Path(grants.__file__).parent / "data" / "ttgs-demo.bundle.json"
WHY = "The committee reduced the study-visit costs at its meeting."


def test_staff_decide_and_the_applicant_downloads_the_letter(
    page, live_db, live_app, tmp_path, monkeypatch
):
    monkeypatch.setitem(live_app.config, "UPLOAD_DIR", str(tmp_path))
    call = import_bundle(load(EXAMPLE))
    lead = live_db.session.scalar(
        select(Application).where(Application.reference == "TTGS-DEMO-0029")
    ).lead
    make_user("staff", email="staff@example.org", name="Selin Staff")
    make_user(organisation=lead, email="aydin@example.org")
    make_authority()
    live_db.session.commit()

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}")
    page.get_by_role("link", name="Ranking and award decisions").click()
    page.get_by_role("button", name="Compute ranking").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "The ranking and the proposed decisions were computed."
    )
    expect(page.get_by_role("row", name=re.compile("TTGS-DEMO-0029"))).to_contain_text("€75,000.00")

    page.get_by_role("link", name="Change TTGS-DEMO-0029").click()
    page.get_by_label("Amount awarded").fill("70000")
    page.get_by_label("Justification").fill("Too short")
    page.get_by_role("button", name="Change the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 20 characters")
    expect(page.get_by_label("Amount awarded")).to_have_value("70000")
    page.get_by_label("Justification").fill(WHY)
    page.get_by_role("button", name="Change the decision").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "The decision on TTGS-DEMO-0029 was changed."
    )
    page.get_by_role("navigation", name="Tables of the ranking").get_by_role(
        "link", name="Decisions changed by staff"
    ).click()  # their tab
    changes = page.get_by_role("region", name="Decisions changed by staff")
    expect(changes).to_contain_text(WHY)
    expect(changes).to_contain_text("Selin Staff")

    live_db.session.expire_all()
    approve_committee(call)  # the committee approved the ranking as it now stands (domain.md 4)
    live_db.session.commit()
    page.get_by_role("link", name="Finalise the decisions").click()
    page.get_by_role("button", name="Finalise and send the decision letters").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "The decisions of call TTGS-DEMO are final."
    )
    log_out(page)

    log_in(page, "aydin@example.org")
    page.get_by_role("link", name="Decisions", exact=True).click()
    row = page.get_by_role("row", name=re.compile("TTGS-DEMO-0029"))
    expect(row).to_contain_text("Awarded")
    expect(row).to_contain_text("€70,000.00")
    with page.expect_download() as download:
        row.get_by_role("link", name="Download the decision letter").click()
    assert download.value.suggested_filename == "TTGS-DEMO-0029-decision.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
