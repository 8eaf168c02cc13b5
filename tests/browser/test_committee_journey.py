"""Journey: staff compose the evaluation committee of a ranked call and record its minutes; the
chair and the voting members sign the declaration and approve the report; a changed decision voids
the approvals, finalisation is refused naming who must approve again, and once they have it goes
through (domain.md 4). Replacing a voting member voids the approvals too (the report is approved by
the committee as composed); removing an observer does not."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from grants.awards import rank_call
from tests.browser.helpers import log_in, log_out
from tests.factories import make_authority, make_call, make_user
from tests.factories.awards import add_application

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SCREENSHOTS")  # a directory to keep the pages as pictures


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"committee-{name}.png"), full_page=True)


SEATS = (
    ("Ayla Chair", "staff", "Chair (non-voting)"),
    ("Bora Secretary", "staff", "Secretary (non-voting)"),
    ("Cem Voter", "evaluator", "Voting member"),
    ("Derya Voter", "evaluator", "Voting member"),
    ("Emre Voter", "evaluator", "Voting member"),
    ("Filiz Observer", "evaluator", "Observer"),
)


def _email(name: str) -> str:
    return name.split()[0].lower() + "@example.org"


def _sign_and_approve(page, name: str, reference: str) -> None:
    log_in(page, _email(name))
    page.goto("/committee")
    page.get_by_role("link", name=re.compile(reference)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Declaration of impartiality and confidentiality"
    )
    page.get_by_role("button", name="Sign the declaration").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to sign the declaration.")
    page.get_by_label("I have read this declaration and I sign it.").check()
    page.get_by_role("button", name="Sign the declaration").click()
    expect(page.get_by_role("status").first).to_contain_text("You signed the declaration")
    if page.get_by_role("button", name="Approve the evaluation report").count():
        expect(page.get_by_role("table", name="The ranking")).to_contain_text(f"{reference}-0001")
        page.get_by_role("button", name="Approve the evaluation report").click()
        expect(page.get_by_role("status").first).to_contain_text(
            "You approved the evaluation report as the ranking now stands."
        )
    log_out(page)


def test_the_committee_approves_and_a_changed_decision_voids_its_approvals(page, live_db):
    call = make_call("JURY-1", status="evaluation")
    for scores in ([4, 4], [5, 5], [3, 4]):
        add_application(call, scores)
    rank_call(call.id)
    make_authority()
    make_user("staff", email="staff@example.org", name="Selin Staff")
    for name, role, _label in SEATS:
        make_user(role, email=_email(name), name=name)
    live_db.session.commit()

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}")
    page.get_by_role("link", name="Evaluation committee").click()
    expect(page.locator("#committee-status")).to_contain_text("exactly one chair; it has 0")
    for name, _role, label in SEATS:
        page.get_by_label("Person").select_option(label=f"{name} ({_email(name)})")
        page.get_by_label("Role on the committee").select_option(label=label)
        page.get_by_role("button", name="Add to the committee").click()
        expect(page.get_by_role("status").first).to_contain_text("The member was added")
    page.get_by_label("Person").select_option(label="Selin Staff (staff@example.org)")
    page.get_by_label("Role on the committee").select_option(label="Chair (non-voting)")
    page.get_by_role("button", name="Add to the committee").click()
    expect(page.get_by_role("alert")).to_contain_text("already has a chair")

    page.get_by_label("Date of the meeting").fill("2027-05-20")
    page.get_by_label("Decisions").fill("The committee agreed the ranking and the reserve list.")
    page.get_by_role("button", name="Record the minutes").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the members of the committee")
    expect(page.get_by_label("Decisions")).to_have_value(
        "The committee agreed the ranking and the reserve list."
    )
    for name in ("Ayla Chair", "Bora Secretary", "Cem Voter", "Derya Voter", "Emre Voter"):
        page.get_by_role("group", name="Attendees").get_by_label(name).check()
    page.get_by_role("button", name="Record the minutes").click()
    expect(page.get_by_role("status").first).to_contain_text("The minutes were recorded.")
    expect(page.locator(".minutes")).to_contain_text("Meeting of May 20, 2027")
    shot(page, "staff")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "staff-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    log_out(page)

    for name, _role, _label in SEATS:
        _sign_and_approve(page, name, "JURY-1")

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/committee")
    expect(page.locator("#committee-status")).to_contain_text("the decisions can be finalised")
    page.goto(f"/staff/calls/{call.id}/ranking")
    page.get_by_role("link", name="Change JURY-1-0001").click()
    page.get_by_label("Not selected").check()
    page.get_by_label("Justification").fill("The committee found the budget unrealistic.")
    page.get_by_role("button", name="Change the decision").click()
    expect(page.get_by_role("status").first).to_contain_text("was changed")

    page.goto(f"/staff/calls/{call.id}/committee")
    row = page.get_by_role("row", name=re.compile("Cem Voter"))
    expect(row).to_contain_text("Void: the ranking changed since")
    page.goto(f"/staff/calls/{call.id}/finalise")
    expect(page.locator("#committee-not-ready")).to_contain_text(
        "Ayla Chair, Cem Voter, Derya Voter, Emre Voter"
    )
    expect(page.get_by_role("button", name="Finalise and send the decision letters")).to_have_count(
        0
    )
    shot(page, "finalise-refused")
    log_out(page)

    for name in ("Ayla Chair", "Cem Voter", "Derya Voter", "Emre Voter"):
        log_in(page, _email(name))
        page.goto(f"/committee/calls/{call.id}")
        expect(page.locator("#approval-status")).to_contain_text("is void")
        shot(page, "seat-void")
        page.get_by_role("button", name="Approve the evaluation report").click()
        expect(page.get_by_role("status").first).to_contain_text("You approved")
        log_out(page)

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/finalise")
    page.get_by_role("button", name="Finalise and send the decision letters").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "The decisions of call JURY-1 are final."
    )


def test_replacing_a_voting_member_voids_the_approvals_until_the_new_committee_approves(
    page, live_db
):
    from tests.factories.committee import approve_committee

    call = make_call("JURY-2", status="evaluation")
    for scores in ([4, 4], [5, 5], [3, 4]):
        add_application(call, scores)
    rank_call(call.id)
    make_authority()
    make_user("staff", email="staff@example.org", name="Selin Staff")
    make_user("evaluator", email="gamze@example.org", name="Gamze Voter")
    members = approve_committee(call)
    live_db.session.commit()
    leaving = next(m for m in members if m.role.value == "voting").user.name
    observer = next(m for m in members if m.role.value == "observer").user.name

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/committee")
    expect(page.locator("#committee-status")).to_contain_text("the decisions can be finalised")
    page.get_by_role("row", name=re.compile(observer)).get_by_role("button").click()
    expect(page.get_by_role("status").first).to_contain_text("The member was removed")
    expect(page.locator("#committee-status")).to_contain_text("the decisions can be finalised")

    page.get_by_role("row", name=re.compile(leaving)).get_by_role("button").click()
    expect(page.get_by_role("status").first).to_contain_text("The member was removed")
    expect(page.get_by_text("the approvals given so far are void")).to_be_visible()
    page.get_by_label("Person", exact=True).select_option(label="Gamze Voter (gamze@example.org)")
    page.get_by_label("Role on the committee").select_option(label="Voting member")
    page.get_by_role("button", name="Add to the committee").click()
    expect(page.get_by_role("status").first).to_contain_text("The member was added")
    chair = next(m for m in members if m.role.value == "chair").user.name
    expect(page.get_by_role("row", name=re.compile(chair))).to_contain_text(
        "Void: the committee's voting members changed since; must approve again"
    )
    page.goto(f"/staff/calls/{call.id}/finalise")
    expect(page.locator("#committee-not-ready")).to_contain_text("Gamze Voter")
    expect(page.get_by_role("button", name="Finalise and send the decision letters")).to_have_count(
        0
    )
    log_out(page)

    _sign_and_approve(page, "Gamze Voter", "JURY-2")
    for member in members:
        if member.role.value in ("chair", "voting") and member.user.name != leaving:
            log_in(page, member.user.email)
            page.goto(f"/committee/calls/{call.id}")
            page.get_by_role("button", name="Approve the evaluation report").click()
            expect(page.get_by_role("status").first).to_contain_text("You approved")
            log_out(page)

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/finalise")
    page.get_by_role("button", name="Finalise and send the decision letters").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "The decisions of call JURY-2 are final."
    )
