"""Journey: staff give the letter settings (with a logo), finalise the example call, see which
applicants were not told by e-mail, download one of their letters to send by post, and record it as
sent."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

import grants
from grants.awards import rank_call
from grants.bundle import import_bundle, load
from grants.models import Application
from tests.browser.helpers import log_in
from tests.factories import make_user, png_bytes
from tests.factories.committee import approve_committee

pytestmark = pytest.mark.browser

EXAMPLE = Path(grants.__file__).parent / "data" / "ttgs-demo.bundle.json"
SHOTS = os.environ.get("SCREENSHOTS")  # a directory to keep the pages as pictures, to look at them


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_staff_finalise_see_who_was_not_told_and_send_a_letter_by_post(
    page, live_db, live_app, tmp_path, monkeypatch
):
    monkeypatch.setitem(live_app.config, "UPLOAD_DIR", str(tmp_path))
    call = import_bundle(load(EXAMPLE))
    rank_call(call.id)
    told = live_db.session.scalar(
        select(Application).where(Application.reference == "TTGS-DEMO-0029")
    ).lead
    make_user(organisation=told, email="aydin@example.org")
    make_user("staff", email="staff@example.org", name="Selin Staff")
    approve_committee(call)  # the evaluation committee approved the ranking (domain.md 4)
    live_db.session.commit()
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_bytes(40, 40))

    log_in(page, "staff@example.org")
    page.get_by_role("link", name="Manage calls").click()
    page.get_by_role("link", name="Letter settings").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Letters cannot be issued until these settings are given"
    )
    page.get_by_label("Name of the contracting authority, in English").fill(
        "Directorate for EU Affairs"
    )
    page.get_by_label("Name of the contracting authority, in Turkish").fill(
        "Avrupa Birliği Başkanlığı"
    )
    page.get_by_label("Postal address").fill(
        "Mustafa Kemal Mahallesi 2082. Cadde No: 4\n06510 Çankaya / Ankara"
    )
    page.get_by_label("Logo (PNG or JPEG)").set_input_files(str(logo))
    page.get_by_label("Name of the signatory").fill("Deniz Yılmaz")
    page.get_by_label("Title of the signatory, in English").fill(
        "Head of the Department for Financial Cooperation"
    )
    page.get_by_label("Title of the signatory, in Turkish").fill("Mali İşbirliği Dairesi Başkanı")
    page.get_by_role("button", name="Save the letter settings").click()
    expect(page.get_by_role("status").first).to_contain_text("The letter settings were saved.")
    expect(page.get_by_role("img", name="Logo of Directorate for EU Affairs")).to_be_visible()
    shot(page, "settings")

    page.goto(f"/staff/calls/{call.id}/ranking")
    page.get_by_role("link", name="Finalise the decisions").click()
    expect(page.get_by_role("status")).to_contain_text(
        "45 lead applicants have no verified member who can receive e-mail"
    )
    shot(page, "finalise")
    page.get_by_role("button", name="Finalise and send the decision letters").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "The decisions of call TTGS-DEMO are final. 1 applicant was told by e-mail. 45 letters are "
        "to be sent by "
        "post or registered e-mail"
    )
    to_post = page.get_by_role("region", name="Letters to send by post or registered e-mail")
    expect(to_post.get_by_role("row")).to_have_count(46)  # the header and 45 letters
    expect(to_post).not_to_contain_text("TTGS-DEMO-0029")
    shot(page, "letters")

    row = to_post.get_by_role("row", name=re.compile("TTGS-DEMO-0036"))
    number = row.get_by_role("cell").first.inner_text().split()[0]
    with page.expect_download() as download:
        row.get_by_role("link", name=f"PDF in Turkish – {number}").click()
    assert download.value.suggested_filename == "TTGS-DEMO-0036-decision-tr.pdf"
    letter = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert f"Sayı: {number}" in letter and "Avrupa Birliği Başkanlığı" in letter

    row.get_by_label(f"Registered-mail or KEP number (optional) – {number}").fill("RR123456789TR")
    row.get_by_role("button", name=f"Record as sent – {number}").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Letter {number} is recorded as sent")
    expect(to_post.get_by_role("row")).to_have_count(45)
    register = page.get_by_role("region", name="Register of letters")
    expect(register.get_by_role("row", name=number)).to_contain_text("(RR123456789TR)")

    page.get_by_role("button", name="Türkçe").click()  # the same list in Turkish
    expect(
        page.get_by_role(
            "heading", name="Posta veya kayıtlı elektronik posta (KEP) ile gönderilecek yazılar"
        )
    ).to_be_visible()
    expect(
        page.get_by_role("region", name="Yazı kayıt defteri").get_by_role("row", name=number)
    ).to_contain_text("(RR123456789TR)")
    shot(page, "letters-tr")


def test_staff_record_a_check_nobody_can_receive_and_download_its_letter(
    page, live_db, live_app, tmp_path, monkeypatch
):
    from tests.factories import make_authority, make_org
    from tests.factories.submission import ready_application

    monkeypatch.setitem(live_app.config, "UPLOAD_DIR", str(tmp_path))
    application = ready_application(
        make_org(name="Kars Belediyesi", address="Faikbey Mahallesi\n36100 Kars"),
        status="submitted",
    )
    make_user("staff", email="staff@example.org")
    make_authority()
    live_db.session.commit()

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{application.call_id}")
    page.get_by_role("link", name="Admissibility checks").click()
    page.get_by_role("link", name=application.reference).click()
    page.get_by_label("Further reasons").fill("The budget annex is unreadable.")
    page.get_by_role("radio", name="Inadmissible").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"The check of {application.reference} was recorded, but nobody was told: Kars Belediyesi "
        f"has no verified "
        "member who can receive e-mail."
    )
    to_post = page.get_by_role("region", name="Letters to send by post or registered e-mail")
    row = to_post.get_by_role("row", name=application.reference)
    expect(row).to_contain_text("Faikbey Mahallesi")
    shot(page, "admissibility")
    number = f"{application.call.reference}/L/001"
    with page.expect_download() as download:
        row.get_by_role("link", name=f"PDF in English – {number}").click()
    assert download.value.suggested_filename == f"{application.reference}-admissibility-en.pdf"
    letter = " ".join(
        " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages).split()
    )
    assert f"Number: {number}" in letter and "The budget annex is unreadable." in letter
