"""Journey: an evaluator signs the declaration, declares no conflict, scores an application with the
grid and submits; another declares a conflict and the application goes to a third evaluator; staff
see the final score."""

import re

import pytest
from playwright.sync_api import Page, expect

from grants.models import Assignment, CallEvaluator
from grants.models.base import now_utc
from tests.browser.helpers import log_in, log_out
from tests.factories import make_application, make_call, make_org, make_user

pytestmark = pytest.mark.browser


def _arrange(db):
    call = make_call(reference="TTGS-EVAL", status="evaluation", evaluators_per_application=1)
    first = make_application(call, status="admissible", title="Twin schools")
    second = make_application(
        call,
        lead=make_org("TR", name="Bursa Belediyesi"),
        status="admissible",
        title="Shared harbours",
    )
    eva = make_user("evaluator", email="eva@example.org", name="Eva Evaluator")
    carl = make_user("evaluator", email="carl@example.org", name="Carl Conflicted")
    rita = make_user("evaluator", email="rita@example.org", name="Rita Reserve")
    make_user("staff", email="staff@example.org")
    db.session.add_all(
        [
            CallEvaluator(call_id=call.id, user_id=eva.id),
            CallEvaluator(call_id=call.id, user_id=carl.id, impartiality_signed_at=now_utc()),
            CallEvaluator(call_id=call.id, user_id=rita.id, impartiality_signed_at=now_utc()),
        ]
    )
    db.session.add_all(
        [
            Assignment(stage_id=first.stages[0].id, evaluator_id=eva.id),
            Assignment(stage_id=second.stages[0].id, evaluator_id=carl.id),
        ]
    )
    db.session.commit()
    return call, first, second


def _score_section_by_section(page: Page, codes: list[str], value: str) -> None:
    for code in codes:
        group = page.get_by_role("group", name=re.compile(rf"^{re.escape(code)} "))
        group.get_by_label(value).check()
        page.get_by_label(f"Comment on the score for {code}").fill(
            f"Criterion {code}: well argued, with evidence."
        )


def test_evaluator_scores_another_declares_a_conflict_and_staff_see_the_final(page, live_db):
    call, first, second = _arrange(live_db)
    codes = [c.code for s in call.grid_for(call.grids[0].stage).sections for c in s.criteria]

    log_in(page, "eva@example.org")
    page.get_by_role("link", name="My evaluations").click()
    page.get_by_role("link", name=re.compile("TTGS-EVAL")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Declaration of impartiality")
    page.get_by_role("button", name="Sign the declaration").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to sign the declaration.")
    page.get_by_label("I have read this declaration and I sign it.").check()
    page.get_by_role("button", name="Sign the declaration").click()
    page.get_by_role("link", name=first.reference).click()
    expect(page.get_by_text(first.summary)).to_have_count(0)  # nothing opens before the declaration
    page.get_by_label(re.compile("^No conflict")).check()
    page.get_by_role("button", name="Send my declaration").click()
    expect(page.get_by_text(first.summary)).to_be_visible()
    page.get_by_role("link", name="Score this application").click()

    _score_section_by_section(page, codes[:4], "4 – good")  # section 1, live sums saved as we go
    panel = page.get_by_role("complementary", name="Your scores so far")
    expect(panel).to_contain_text("16 / 20")
    expect(panel).to_contain_text("Draft saved")
    page.get_by_role("button", name="Submit and lock my evaluation").click()
    expect(page.get_by_role("alert")).to_contain_text("Score criterion 2.1.")
    expect(page.get_by_role("alert")).to_contain_text("Name at least one strength of section 1.")
    expect(
        page.get_by_role("group", name=re.compile(r"^1\.1 ")).get_by_label("4 – good")
    ).to_be_checked()

    _score_section_by_section(page, codes[4:], "4 – good")
    for section in ("1", "2", "3", "4", "5"):
        page.get_by_label(f"Strengths of section {section}").fill("A committed partnership.")
        page.get_by_label(f"Weaknesses of section {section}").fill(
            "Risks are described only briefly."
        )
    expect(panel).to_contain_text("80 / 100")
    page.get_by_role("button", name="Submit and lock my evaluation").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Your evaluation of {first.reference} was submitted."
    )
    expect(page.get_by_role("row", name=re.compile(first.reference))).to_contain_text("Submitted")
    log_out(page)

    log_in(page, "carl@example.org")
    page.get_by_role("link", name="My evaluations").click()
    page.get_by_role("link", name=re.compile("TTGS-EVAL")).click()
    page.get_by_role("link", name=second.reference).click()
    page.get_by_label("I have a conflict of interest").check()
    page.get_by_label("Your conflict of interest (if you declare one)").fill(
        "I advised the lead municipality last year."
    )
    page.get_by_role("button", name="Send my declaration").click()
    expect(page.get_by_role("status").first).to_contain_text("You declared a conflict of interest")
    expect(page.get_by_role("link", name=second.reference)).to_have_count(0)
    log_out(page)

    log_in(page, "rita@example.org")
    page.get_by_role("link", name="My evaluations").click()
    page.get_by_role("link", name=re.compile("TTGS-EVAL")).click()
    expect(page.get_by_role("link", name=second.reference)).to_be_visible()
    log_out(page)

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}")
    page.get_by_role("link", name="Evaluation progress").click()
    expect(page.get_by_role("row", name=re.compile(first.reference)).first).to_contain_text("80.00")
