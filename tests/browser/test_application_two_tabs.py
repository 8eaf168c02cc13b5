"""Journeys: two colleagues (or one person in two windows) on the same project or budget page. The
later save is refused; the page keeps what was typed, shows the saved version beside it, and the
user chooses. The pages save as the user types, and warn before leaving while something typed is not
saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import Application
from tests.browser.helpers import log_in
from tests.factories import make_application, make_call, make_org, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def two_contexts(browser, live_server):
    contexts = [browser.new_context(base_url=live_server, locale="en-GB") for _ in range(2)]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.set_default_timeout(10_000)
    yield pages
    for context in contexts:
        context.close()


@pytest.fixture
def draft(live_db):
    org = make_org("TR", name="Çankaya Municipality")
    make_user(organisation=org, email="lead@cankaya.example", name="Mehmet Demir")
    make_user(organisation=org, email="ayse@cankaya.example", name="Ayşe Yılmaz")
    application = make_application(make_call(reference="TTGS-2026"), lead=org, confirmed=False)
    live_db.session.commit()
    return application


def _stored(live_db, application) -> Application:
    live_db.session.expire_all()
    return live_db.session.get(Application, application.id)


def test_two_colleagues_on_the_project_page_choose_field_by_field(two_contexts, live_db, draft):
    ayse, mehmet = two_contexts
    log_in(ayse, "ayse@cankaya.example")
    log_in(mehmet, "lead@cankaya.example")
    for page in (ayse, mehmet):
        page.goto(f"/applications/{draft.id}/project")
        expect(page.get_by_role("status")).to_have_text("Your answers are saved as you type.")

    ayse.get_by_label("Expected results").fill("Two adopted plans and a shared monitoring board.")
    expect(ayse.get_by_role("status")).to_contain_text("Saved at")

    mehmet.get_by_label("Activities").fill("Study visits, joint workshops, a youth exchange.")
    status = mehmet.get_by_role("status")
    expect(status).to_contain_text("Not saved: Ayşe Yılmaz saved this page at")
    expect(status).to_contain_text("It differs from your page in: Activities, Expected results")
    mehmet.get_by_role("button", name="Compare the versions and choose").click()

    expect(mehmet.get_by_role("heading", name="Your changes were not saved")).to_be_visible()
    dialogs = []
    mehmet.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    mehmet.get_by_label(
        "Activities", exact=True
    ).click()  # Chromium asks before leaving a page touched only
    mehmet.get_by_role("link", name="Back to the application").click(
        no_wait_after=True
    )  # not saved yet
    for _wait in range(50):  # the question can come late on a busy machine
        if dialogs:
            break
        mehmet.wait_for_timeout(100)
    assert dialogs == ["beforeunload"]
    expect(mehmet.get_by_label("Activities", exact=True)).to_have_value(
        "Study visits, joint workshops, a youth exchange."
    )
    expect(mehmet.get_by_label("Expected results", exact=True)).to_have_value("Two adopted plans.")
    their_results = mehmet.get_by_role("group", name="Expected results: the saved version")
    expect(their_results).to_contain_text("Two adopted plans and a shared monitoring board.")
    their_results.get_by_label("Take theirs").check()
    expect(mehmet.get_by_label("Expected results", exact=True)).to_have_value(
        "Two adopted plans and a shared monitoring board."
    )
    mehmet.get_by_role("group", name="Activities: the saved version").get_by_label(
        "Keep mine"
    ).check()
    mehmet.get_by_role("button", name="Save as draft").click()
    expect(mehmet.get_by_text("Project details saved.")).to_be_visible()
    expect(mehmet.get_by_text("You typed something on this page that was not saved")).to_have_count(
        0
    )

    saved = _stored(live_db, draft)
    assert saved.activities == "Study visits, joint workshops, a youth exchange."
    assert saved.expected_results == "Two adopted plans and a shared monitoring board."


def test_one_user_in_two_windows_on_the_budget_page_keeps_both_lines(two_contexts, live_db, draft):
    tab_a, tab_b = two_contexts
    for page in (tab_a, tab_b):
        log_in(page, "lead@cankaya.example")
        page.goto(f"/applications/{draft.id}/budget")

    tab_a.get_by_label("Line 1 – Quantity").fill("19")
    expect(tab_a.locator("#save-status")).to_contain_text("Saved at")

    tab_b.get_by_label("Line 2 – Quantity").fill("5")
    expect(tab_b.locator("#save-status")).to_contain_text(
        "Not saved: You saved this page in another tab or window at"
    )
    expect(tab_b.locator("#save-status")).not_to_contain_text("someone else")
    tab_b.get_by_role("button", name="Compare the versions and choose").click()

    expect(tab_b.get_by_label("Line 2 – Quantity")).to_have_value("5")
    tab_b.get_by_role("group", name="Line 1: the saved version").get_by_label("Take theirs").check()
    expect(tab_b.get_by_label("Line 1 – Quantity")).to_have_value("19")
    tab_b.get_by_role("group", name="Line 2: the saved version").get_by_label("Keep mine").check()
    tab_b.get_by_role("button", name="Save as draft").click()
    expect(tab_b.get_by_text("Budget saved.")).to_be_visible()

    saved = _stored(live_db, draft)
    assert [line.quantity for line in saved.budget_lines] == [Decimal("19"), Decimal("5")]


def test_typed_text_is_saved_as_you_go_and_leaving_early_warns(page, live_db, draft):
    log_in(page, "lead@cankaya.example")
    page.goto(f"/applications/{draft.id}/project")
    page.get_by_label("Summary").click()
    page.keyboard.press("End")
    page.keyboard.type(" With the youth councils.")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role(
        "link", name="Back to the application"
    ).click()  # before the autosave: warned, stays
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    expect(page.get_by_role("status")).to_contain_text("Saved at")
    page.get_by_role(
        "link", name="Back to the application"
    ).click()  # saved: leaves without a warning
    expect(page.get_by_role("heading", level=1)).to_have_text("Green twin towns")
    page.goto(f"/applications/{draft.id}/project")
    expect(page.get_by_label("Summary")).to_have_value(
        "Two towns share climate plans. With the youth councils."
    )


def test_an_invalid_value_is_not_saved_but_kept_and_named(page, live_db, draft):
    log_in(page, "lead@cankaya.example")
    page.goto(f"/applications/{draft.id}/project")
    page.get_by_label("Duration (months)").fill("36")
    expect(page.get_by_role("status")).to_contain_text("Not saved:")
    expect(page.get_by_role("status")).to_contain_text(
        "Duration (months): Enter a duration from 12 to 24 months"
    )
    expect(page.get_by_label("Duration (months)")).to_have_value("36")
    assert _stored(live_db, draft).duration_months == 24


def test_no_false_not_saved_notice_after_saving_a_whole_amount(page, live_db, draft):
    log_in(page, "lead@cankaya.example")
    page.goto(f"/applications/{draft.id}/budget")
    page.get_by_label("Line 1 – Unit cost").fill("2400")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Budget saved.")).to_be_visible()
    expect(page.get_by_text("You typed something on this page that was not saved")).to_have_count(0)
    page.reload()
    expect(page.get_by_label("Line 1 – Unit cost")).to_have_value("2,400.00")
    expect(page.get_by_text("You typed something on this page that was not saved")).to_have_count(0)
    assert _stored(live_db, draft).budget_lines[0].unit_cost == Decimal("2400.00")


def test_no_false_not_saved_notice_after_saving_an_amount_the_turkish_way(page, live_db, draft):
    log_in(page, "lead@cankaya.example")
    page.get_by_role("button", name="Türkçe").click()
    page.goto(f"/applications/{draft.id}/budget")
    page.get_by_label("Satır 1 – Birim maliyet").fill("2.400")
    page.get_by_role("button", name="Taslak olarak kaydet").click()
    expect(page.get_by_text("Bütçe kaydedildi.")).to_be_visible()
    expect(page.get_by_label("Satır 1 – Birim maliyet")).to_have_value("2.400,00")
    expect(page.get_by_role("button", name="Girdiğim bilgileri geri yükle")).to_have_count(0)
    assert _stored(live_db, draft).budget_lines[0].unit_cost == Decimal("2400.00")
