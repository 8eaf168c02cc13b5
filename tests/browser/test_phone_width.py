"""Every applicant page is usable on a phone (390 px wide, issue 11.13): nothing scrolls sideways,
in English and Turkish, and the budget lines can be filled in."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import _log_in, _sideways, _widest
from tests.factories import make_application, make_call, make_org, make_user

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["en", "tr"])
def test_applicant_pages_fit_a_phone(page, live_db, locale):
    lead = make_org("TR", name="Nilüfer Belediyesi")
    partner = make_org("DE", "local_authority", name="Stadt Esslingen am Neckar")
    make_user(organisation=lead, email="ayse@nilufer.example", locale=locale)
    make_user(organisation=partner, email="anna@esslingen.example", locale=locale)
    call = make_call(reference="TTGS-2026")
    draft = make_application(
        call,
        lead=lead,
        partners=[partner],
        confirmed=False,
        title="Yeşil ikiz kentler: iklim eylem planlarının ortak hazırlanması",
    )
    live_db.session.commit()
    _log_in(page, "ayse@nilufer.example")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (
        "/",
        "/applications",
        f"/applications/{draft.id}",
        f"/applications/{draft.id}/project",
        f"/applications/{draft.id}/partnership",
        f"/applications/{draft.id}/budget",
        f"/applications/{draft.id}/attachments",
        f"/applications/{draft.id}/check",
        "/partners",
        f"/partners/{partner.id}",
        "/auth/organisation",
    ):
        page.goto(path)
        assert _sideways(page) <= 0, (path, _widest(page))
    page.goto(f"/applications/{draft.id}/budget")
    row = "Satır 3" if locale == "tr" else "Line 3"
    description = page.get_by_label(f"{row} – " + ("Açıklama" if locale == "tr" else "Description"))
    expect(description).to_be_visible()
    box = description.bounding_box()
    assert box["width"] > 250  # a description field wide enough to read, not 'Essling'
    page.screenshot(path=f"/tmp/phone-budget-{locale}.png", full_page=True)


def test_the_partner_invitation_fits_a_phone(page, live_db):
    lead, partner = make_org("TR"), make_org("DE", "local_authority")
    make_user(organisation=partner, email="anna@esslingen.example")
    draft = make_application(make_call(), lead=lead, partners=[partner], confirmed=False)
    live_db.session.commit()
    _log_in(page, "anna@esslingen.example")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/partners/invitations", f"/partners/invitations/{draft.partners[0].id}"):
        page.goto(path)
        assert _sideways(page) <= 0, (path, _widest(page))
