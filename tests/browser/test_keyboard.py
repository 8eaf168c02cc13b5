"""Keyboard only (issue 13): registering, a budget and a scoring grid completed with Tab, Space,
Enter, arrows and typing, no click; at every focus stop the focus ring is there and contrasts 3:1
with what is around it."""

import re

import pytest
from playwright.sync_api import Page, expect

from grants.models import Assignment, CallEvaluator, ConflictStatus
from grants.models.base import now_utc
from tests.browser.helpers import CONTRAST_JS
from tests.factories import PASSWORD, make_application, make_call, make_org, make_user

pytestmark = pytest.mark.browser

# the focused element's focus ring: there, and 3:1 against the background around it
FOCUS_RING = (
    """() => {"""
    + CONTRAST_JS
    + """
  const e = document.activeElement;
  return {id: e.id || e.textContent.trim().slice(0, 30) || e.tagName, problem: ringProblem(e)};
}"""
)


def tab(page: Page, key: str = "Tab") -> dict:
    """Presses Tab (or another key) and returns the new focus stop, checked for a visible focus
    ring."""
    page.keyboard.press(key)
    ring = page.evaluate(FOCUS_RING)
    assert not ring["problem"], ring
    return ring


def tab_to(page: Page, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        if tab(page)["id"] == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def choose(page: Page, value: str, letter: str = "", limit: int = 40) -> None:
    """In the focused select, type-ahead on `letter`, then ArrowDown until the option of `value` is
    chosen."""
    page.keyboard.type(letter)
    for _ in range(limit):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {value} in #{page.evaluate('document.activeElement.id')}")


def log_in_by_keyboard(page: Page, email: str) -> None:
    page.goto("/auth/login")
    tab_to(page, "email")
    page.keyboard.type(email)
    tab(page)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def test_registering_by_keyboard(page, live_db):
    page.goto("/auth/register")
    tab(page)  # the skip link first
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    tab_to(page, "name")
    page.keyboard.press("Enter")  # sent empty: the errors come back, and focus is on their summary
    expect(page.get_by_role("alert")).to_contain_text("Enter the name of the local authority")
    expect(page.locator("#error-summary")).to_be_focused()
    tab_to(page, "name")
    page.keyboard.type("Nilüfer Belediyesi")
    tab(page)
    page.keyboard.type("Mun")  # type-ahead: Municipality
    assert page.evaluate("document.activeElement.value") == "municipality"
    tab(page)
    choose(page, "TR", "T")
    for text in (
        "Bursa",
        "480000",
        "NIL-16",
        "Balat Mah. 1",
    ):  # region, population, legal id, address
        tab(page)
        page.keyboard.type(text)
    tab_to(page, "full_name")
    page.keyboard.type("Ayşe Yılmaz")
    tab(page)
    page.keyboard.type("ayse@nilufer.example")
    tab(page)
    page.keyboard.type(PASSWORD)
    tab(page)
    page.keyboard.type(PASSWORD)
    assert tab(page)["id"] == "submit"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/auth/registered$"))
    expect(page.get_by_text("ayse@nilufer.example").first).to_be_visible()


def test_a_budget_line_added_and_filled_by_keyboard(page, live_db):
    lead = make_org("TR", name="Nilüfer Belediyesi")
    make_user(organisation=lead, email="ayse@nilufer.example")
    draft = make_application(make_call(), lead=lead)
    lines = len(draft.budget_lines)
    live_db.session.commit()
    log_in_by_keyboard(page, "ayse@nilufer.example")
    page.goto(f"/applications/{draft.id}/budget")
    tab_to(page, "add_line")
    page.keyboard.press("Space")  # adds a line: the page comes back with focus in the new row
    new = f"lines-{lines + 1}"
    expect(page.locator(f"#{new}-heading")).to_be_focused()
    page.keyboard.type("2")  # type-ahead: 2 Travel
    tab(page)
    page.keyboard.type("Study visit to Esslingen")
    tab(page)
    page.keyboard.type("trip")
    tab(page)
    page.keyboard.type("3")
    tab(page)
    page.keyboard.type("1500")
    tab(page)
    choose(page, str(lead.id))
    assert (
        tab(page)["id"] == f"{new}-remove"
    )  # the row's Remove box: Space ticks it, Space again unticks it
    page.keyboard.press("Space")
    expect(page.locator(f"#{new}-remove")).to_be_checked()
    page.keyboard.press("Space")
    expect(page.locator(f"#{new}-remove")).not_to_be_checked()
    tab(page, "Shift+Tab")
    tab(page, "Shift+Tab")  # back in the unit cost: Enter saves the draft
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Budget saved.")).to_be_visible()
    live_db.session.expire_all()
    saved = [
        line
        for line in live_db.session.get(type(draft), draft.id).budget_lines
        if line.description == "Study visit to Esslingen"
    ]
    assert (
        len(saved) == 1
        and saved[0].heading == 2
        and saved[0].unit_cost == 1500
        and saved[0].quantity == 3
    )


def test_scoring_a_grid_by_keyboard(page, live_db):
    call = make_call(status="evaluation", evaluators_per_application=1)
    application = make_application(call, status="admissible")
    evaluator = make_user("evaluator", email="eva@example.org")
    live_db.session.add(
        CallEvaluator(call_id=call.id, user_id=evaluator.id, impartiality_signed_at=now_utc())
    )
    assignment = Assignment(
        stage=application.stages[0],
        evaluator=evaluator,
        conflict=ConflictStatus.no_conflict,
        conflict_declared_at=now_utc(),
    )
    live_db.session.add(assignment)
    live_db.session.commit()
    log_in_by_keyboard(page, "eva@example.org")
    page.goto(f"/evaluation/assignments/{assignment.id}/score")
    scored = texts = 0
    for _ in range(200):
        stop = tab(page)
        kind = page.evaluate("document.activeElement.type")
        if kind == "radio":  # Space picks 1, each ArrowRight the next score: 4 – good
            page.keyboard.press("Space")
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            assert (
                page.evaluate("document.activeElement.checked")
                and page.evaluate("document.activeElement.value") == "4"
            )
            scored += 1
        elif kind == "textarea":
            page.keyboard.type("Argued with evidence from the work plan.")
            texts += 1
        elif stop["id"].startswith("Submit and lock"):
            page.keyboard.press("Enter")
            break
    else:
        raise AssertionError("Tab never reached the submit button")
    criteria = sum(len(s.criteria) for s in call.grid_for(application.stages[0].stage).sections)
    assert scored == criteria and texts > criteria
    expect(page.get_by_role("status").first).to_contain_text(
        f"Your evaluation of {application.reference} was submitted."
    )
