"""Journey: a municipality registers, confirms its address, staff verify it, its user acts for it; a
colleague joins it by search; a later change of its identity sends it back to staff."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grants.models import OutboxMessage
from tests.browser.helpers import log_in, log_out
from tests.factories import make_user

pytestmark = pytest.mark.browser


def _link(db, to: str) -> str:
    db.session.rollback()  # see what the live server committed
    body = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.to == to).order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"http://[^/\s]+(/auth/confirm/\S+)", body).group(1)


def _register(page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Register a local authority").click()
    page.get_by_label("Name of the local authority").fill("Çankaya Belediyesi")
    page.get_by_label("Type of organisation").select_option(label="Municipality")
    page.get_by_label("Country").select_option(label="Türkiye")
    page.get_by_label("Region").fill("Ankara")
    page.get_by_label("Population").fill("944609")
    page.get_by_label("Legal identifier").fill("TR-06-1")
    page.get_by_label("Your full name").fill("Ayşe Yılmaz")
    page.get_by_label("Email address").fill("ayse@cankaya.example")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Confirm password").fill("short")
    page.get_by_role("button", name="Register").click()

    # the error summary names the field; what was typed is still there
    expect(page.get_by_role("alert")).to_contain_text("Password")
    expect(page.get_by_label("Name of the local authority")).to_have_value("Çankaya Belediyesi")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Confirm password").fill("a long enough password")
    page.get_by_role("button", name="Register").click()


def test_municipality_registers_confirms_is_verified_and_logs_in(page, live_db):
    make_user("staff", email="staff@example.org")
    live_db.session.commit()
    _register(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.get_by_text("usually within 3 working days")).to_be_visible()
    # signed in before confirming the address, the account sees only the page saying to confirm it
    log_in(page, "ayse@cankaya.example", "a long enough password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your e-mail address")
    page.goto("/applications")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your e-mail address")
    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_text("We sent a new link to ayse@cankaya.example")).to_be_visible()
    page.goto(_link(live_db, "ayse@cankaya.example"))
    page.get_by_role("button", name="Confirm this address").click()
    expect(
        page.get_by_text("Your e-mail address ayse@cankaya.example is confirmed.")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Çankaya Belediyesi")
    expect(
        page.get_by_text("Programme staff have not verified this organisation yet")
    ).to_be_visible()
    log_out(page)

    log_in(page, "staff@example.org")
    live_db.session.rollback()
    assert (
        live_db.session.scalar(
            select(OutboxMessage.subject).where(OutboxMessage.to == "staff@example.org")
        )
        == "New registration to verify: Çankaya Belediyesi"
    )
    page.get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Çankaya Belediyesi").click()
    page.get_by_role("button", name="Verify this organisation").click()
    log_out(page)

    log_in(page, "ayse@cankaya.example", "a long enough password")
    page.get_by_role("link", name="My organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Çankaya Belediyesi")
    expect(
        page.get_by_text("Programme staff have not verified this organisation yet")
    ).to_have_count(0)
    expect(page.get_by_label("Partner-search description")).to_be_editable()

    # a change of what staff verified sends it back to them, and they see it first, with what
    # changed
    page.get_by_label("Country").select_option(label="Germany")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("so they must verify the organisation again")).to_be_visible()
    log_out(page)
    log_in(page, "staff@example.org")
    page.get_by_role("link", name="Organisations").click()
    first = page.get_by_role("row").nth(1)
    expect(first).to_contain_text("Çankaya Belediyesi")
    expect(first).to_contain_text("Changed since verification")
    first.get_by_role("link").click()
    expect(page.get_by_role("listitem").filter(has_text="Country")).to_contain_text(
        "Türkiye → Germany"
    )


def test_a_colleague_finds_the_organisation_by_search_and_joins_it(page, live_db):
    from tests.factories import make_org

    make_org(name="Çankaya Belediyesi", region="Ankara")
    make_org(name="Cankiri Il Ozel Idaresi", verified=False)
    live_db.session.commit()
    page.goto("/auth/join")
    expect(page.get_by_text("Çankaya Belediyesi")).to_have_count(0)  # no list before a search
    page.get_by_label("Your full name").fill("Mehmet Demir")
    page.get_by_label("Name of your organisation").fill("CANKAYA")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_label("Your full name")).to_have_value("Mehmet Demir")
    expect(page.get_by_text("Cankiri")).to_have_count(0)  # not verified: not offered
    page.get_by_label("Çankaya Belediyesi (Türkiye, Ankara)").check()
    page.get_by_label("Email address").fill("mehmet@cankaya.example")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Confirm password").fill("a long enough password")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    page.goto(_link(live_db, "mehmet@cankaya.example"))
    page.get_by_role("button", name="Confirm this address").click()
    expect(
        page.get_by_text("Your e-mail address mehmet@cankaya.example is confirmed.")
    ).to_be_visible()
    log_in(page, "mehmet@cankaya.example", "a long enough password")
    page.get_by_role("link", name="My organisation").click()
    expect(page.get_by_text("Your membership waits for verification")).to_be_visible()
