"""Nothing typed is lost when the session expires before the user saves."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.factories import make_application, make_call, make_org, make_user

pytestmark = pytest.mark.browser


def test_text_typed_before_the_session_expired_can_be_put_back(page, live_db):
    org = make_org("TR", name="Çankaya Municipality")
    make_user(organisation=org, email="lead@cankaya.example")
    application = make_application(make_call(reference="TTGS-2026"), lead=org, confirmed=False)
    live_db.session.commit()

    log_in(page, "lead@cankaya.example")
    page.goto(f"/applications/{application.id}/project")
    page.get_by_label("Summary").fill("A long summary typed over twenty minutes.")
    page.context.clear_cookies()  # the session expires while the user types
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Error 400")

    log_in(page, "lead@cankaya.example")
    page.goto(f"/applications/{application.id}/project")
    expect(page.get_by_label("Summary")).to_have_value("Two towns share climate plans.")
    page.get_by_role("button", name="Put back what I typed").click()
    expect(page.get_by_label("Summary")).to_have_value("A long summary typed over twenty minutes.")
    page.get_by_role("button", name="Save and continue").click()

    page.goto(f"/applications/{application.id}/project")  # saved: nothing more to offer
    expect(page.get_by_label("Summary")).to_have_value("A long summary typed over twenty minutes.")
    expect(page.get_by_role("button", name="Put back what I typed")).to_have_count(0)


def test_what_one_user_typed_is_never_offered_to_the_next(page, live_db):
    """L7 (docs/security.md): kept input belongs to its user and goes at logout."""
    make_user(
        organisation=make_org("TR", name="Çankaya Municipality"), email="ayse@cankaya.example"
    )
    make_user(
        organisation=make_org("TR", name="Bornova Municipality"), email="mehmet@bornova.example"
    )
    live_db.session.commit()

    log_in(page, "ayse@cankaya.example")
    page.goto("/auth/organisation")
    page.get_by_label("Address").fill("Ayşe's unsaved address")
    # the session ends before she saves: what she typed is kept in the tab
    page.context.clear_cookies()
    page.get_by_role("button", name="Save").first.click()
    kept = page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('kept:'))")
    assert kept, "the typed address should be kept for Ayşe"

    log_in(page, "mehmet@bornova.example")  # someone else, in the same tab
    page.goto("/auth/organisation")
    expect(page.get_by_role("button", name="Put back what I typed")).to_have_count(0)
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('kept:'))") == []

    page.get_by_label("Address").fill("Mehmet's draft")
    page.evaluate(
        "sessionStorage.setItem('kept:' + document.body.dataset.keepUser + ':/x:0', '{}')"
    )
    page.get_by_role("button", name="Log out").click()
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('kept:'))") == []
