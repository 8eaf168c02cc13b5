"""Journey: a Turkish municipality invites its German partner, not registered yet, by e-mail; the
partner registers from the latest link on a phone, staff verify it, the partner confirms, and the
lead sees each step on the partnership page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from grants.models import OutboxMessage
from tests.browser.helpers import log_in, log_out
from tests.factories import PASSWORD, make_application, make_call, make_org, make_user

pytestmark = pytest.mark.browser


def _link_for(live_db, email: str) -> str:
    live_db.session.expire_all()
    bodies = live_db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.to == email).order_by(OutboxMessage.id)
    ).all()
    return re.search(r"https?://[^/\s]+(/partners/register/\S+)", bodies[-1]).group(1)


def test_a_partner_not_yet_registered_is_invited_registers_and_confirms(
    page: Page, browser: Browser, live_server: str, live_db
):
    call = make_call("TTGS-2026", themes=["environment"])
    lead = make_org("TR", name="Nilüfer Belediyesi")
    application = make_application(call, lead=lead, partners=[], confirmed=False)
    make_user("applicant", organisation=lead, email="ayse@nilufer.example", name="Ayşe Yılmaz")
    make_user("staff", email="staff@ministry.example")
    live_db.session.commit()

    log_in(page, "ayse@nilufer.example")
    page.goto(f"/applications/{application.id}/partnership")
    expect(page.get_by_role("heading", name="How a partner joins the application")).to_be_visible()
    page.get_by_label("Name of the partner authority").fill("Stadt Esslingen am Neckar")
    page.get_by_label("Country", exact=True).select_option(label="Germany")
    page.get_by_label("E-mail address of your contact person").fill("europa@esslingen.example")
    page.get_by_label("The partner's tasks in the project").fill("Hosts the study visits.")
    page.get_by_label("Personal message (optional)").fill(
        "Liebe Kolleginnen und Kollegen, bis bald!"
    )
    page.get_by_role("button", name="Send the invitation").click()
    expect(
        page.get_by_text("Invited: waiting for Stadt Esslingen am Neckar to register.")
    ).to_be_visible()
    first_link = _link_for(live_db, "europa@esslingen.example")
    page.get_by_role(
        "button", name="Send the invitation again"
    ).click()  # the first e-mail went astray
    expect(
        page.get_by_text("We sent the invitation to europa@esslingen.example again.")
    ).to_be_visible()
    log_out(page)

    partner_context = browser.new_context(
        base_url=live_server, locale="de-DE", viewport={"width": 390, "height": 844}
    )
    partner = partner_context.new_page()
    partner.set_default_timeout(10_000)
    partner.goto(first_link)
    expect(
        partner.get_by_role("heading", name="This invitation link does not work")
    ).to_be_visible()
    partner.goto(_link_for(live_db, "europa@esslingen.example"))
    expect(partner.get_by_text("Liebe Kolleginnen und Kollegen, bis bald!")).to_be_visible()
    expect(partner.get_by_label("Name of the local authority")).to_have_value(
        "Stadt Esslingen am Neckar"
    )
    partner.get_by_label("Legal identifier").fill("DE-08116019")
    partner.get_by_label("Your full name").fill("Anna Schmidt")
    partner.get_by_label("Password", exact=True).fill(PASSWORD)
    partner.get_by_label("Confirm password").fill(PASSWORD)
    partner.get_by_role("button", name="Register").click()
    expect(
        partner.get_by_text(
            "Stadt Esslingen am Neckar is registered. Programme staff will now verify it"
        )
    ).to_be_visible()

    log_in(page, "ayse@nilufer.example")
    page.goto(f"/applications/{application.id}/partnership")
    expect(
        page.get_by_text("Stadt Esslingen am Neckar has registered: programme staff must verify it")
    ).to_be_visible()
    log_out(page)

    log_in(page, "staff@ministry.example")
    page.goto("/admin/organisations?status=unverified")
    page.get_by_role("link", name="Stadt Esslingen am Neckar").click()
    page.get_by_role("button", name="Verify this organisation").click()
    expect(page.get_by_text("Stadt Esslingen am Neckar is verified.")).to_be_visible()
    log_out(page)

    partner.goto("/partners/invitations")
    partner.get_by_role("link", name=re.compile("Green twin towns")).click()
    partner.get_by_role("button", name="Confirm our participation").click()
    expect(
        partner.get_by_text("You confirmed the participation of Stadt Esslingen am Neckar.")
    ).to_be_visible()
    assert partner.evaluate("document.documentElement.scrollWidth") <= 390  # usable on a phone
    partner_context.close()

    log_in(page, "ayse@nilufer.example")
    page.goto(f"/applications/{application.id}/partnership")
    expect(page.get_by_text(re.compile("Confirmed on"))).to_be_visible()
