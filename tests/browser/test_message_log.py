"""Journey: a reminder goes out to an evaluator; staff open the application and find it in the
message log (date, recipient, subject, language), at desktop and phone width; the lead's member
does not see a message that was not sent to them."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from grants import jobs
from grants.models import Assignment
from grants.models.base import now_utc
from grants.reminders.services import scan
from tests.browser.helpers import log_in, log_out
from tests.factories import make_application, make_call, make_org, make_user

pytestmark = pytest.mark.browser


def test_staff_see_the_reminder_in_the_applications_message_log(page, live_db, tmp_path):
    call = make_call(reference="TTGS-MSG", status="evaluation")
    call.evaluation_due_at = now_utc() + timedelta(days=2)
    lead = make_org()
    make_user(organisation=lead, email="lead@example.org")
    application = make_application(call, lead=lead, status="admissible", title="Twin rivers")
    evaluator = make_user("evaluator", email="hakem@example.org", locale="tr")
    live_db.session.add(Assignment(stage_id=application.stages[0].id, evaluator_id=evaluator.id))
    make_user("staff", email="staff@example.org")
    live_db.session.commit()
    assert scan() == 1
    jobs.commit()

    log_in(page, "staff@example.org")
    page.goto(f"/applications/{application.id}")
    expect(page.get_by_role("heading", name="Messages")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("E-mails sent about this application"))
    row = table.get_by_role("row", name=re.compile("hakem@example.org"))
    expect(row).to_contain_text("TTGS-MSG çağrısında bir değerlendirmenin teslim tarihi")
    expect(row).to_contain_text("Türkçe")
    expect(row).to_contain_text("(Europe/Istanbul)")
    page.screenshot(path=str(tmp_path / "message-log-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    expect(row).to_be_visible()
    page.screenshot(path=str(tmp_path / "message-log-phone.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 800})
    log_out(page)
    log_in(page, "lead@example.org")
    page.goto(f"/applications/{application.id}")
    expect(page.get_by_role("heading", name="Messages sent to you")).to_be_visible()
    expect(
        page.get_by_text("No e-mail has been sent to you about this application yet.")
    ).to_be_visible()
    expect(page.get_by_text("hakem@example.org")).to_have_count(0)
