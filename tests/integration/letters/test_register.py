"""The register of a call's letters (issue 12.1 and 12.6): numbers per call without gaps, who was
told by e-mail and who was not, the letters to send by post (downloaded in either language, recorded
as sent), for both finalisation and the admissibility check; letters are refused while the letter
settings are incomplete."""

from __future__ import annotations

import io
import re
import threading
import uuid

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from grants.extensions import db as _db
from grants.letters import queries as letter_queries
from grants.letters import services as letter_services
from grants.mail import attachment_bytes
from grants.models import Application, AuditEvent, Call, IssuedLetter, LetterKind, OutboxMessage
from tests.factories import make_authority, make_call, make_user
from tests.factories.admissibility import ALL_TICKED, submitted
from tests.factories.admissibility import decide as check
from tests.factories.awards import text
from tests.factories.committee import approve_committee
from tests.factories.races import at_once, remove_made, require_postgresql


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))


def words(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def page_words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def letters(db, call_id: int) -> list[IssuedLetter]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(IssuedLetter)
            .where(IssuedLetter.call_id == call_id)
            .order_by(IssuedLetter.number)
        )
    )


def lead(db, reference: str):
    return db.session.scalar(select(Application).where(Application.reference == reference)).lead


# Finalisation
# ---------------------------------------------------------------------------------------


def test_finalising_numbers_every_letter_without_gaps_in_reference_order(
    client, db, login_as, post, demo
):  # noqa: F811
    make_authority()
    login_as("staff")
    approve_committee(demo)
    assert post(f"/staff/calls/{demo.id}/finalise").status_code == 302
    issued = letters(db, demo.id)
    assert [row.number for row in issued] == list(
        range(1, 47)
    )  # 48 applications, one withdrawn, one never sent
    references = [letter_queries.letter_of(row).reference for row in issued]
    assert references == sorted(references) and "TTGS-DEMO-0038" not in references  # 0038 withdrew
    assert {letter_queries.letter_of(row).number for row in issued} == {
        f"TTGS-DEMO/L/{n:03d}" for n in range(1, 47)
    }
    assert all(row.kind is LetterKind.decision for row in issued)
    db.session.refresh(demo)
    assert demo.next_letter_number == 47


def test_a_refused_finalisation_takes_no_number_and_issues_nothing(
    client, db, login_as, post, demo
):  # noqa: F811
    login_as("staff")
    approve_committee(demo)
    page = post(f"/staff/calls/{demo.id}/finalise")  # no letter settings yet
    assert page.status_code == 400
    assert (
        "The decision letters cannot be issued without these letter settings: Name of the "
        "contracting "
        "authority, in English, Name of the contracting authority, in Turkish, Postal address, "
        "Name of the "
        "signatory, Title of the signatory, in English, Title of the signatory, in Turkish."
    ) in page_words(page)
    assert letters(db, demo.id) == []
    db.session.refresh(demo)
    assert demo.finalised_at is None and demo.next_letter_number == 1
    approve_committee(demo)
    html = text(client.get(f"/staff/calls/{demo.id}/finalise"))
    assert (
        "/staff/settings/letters" in html and "Finalise and send the decision letters" not in html
    )

    make_authority()
    db.session.commit()
    approve_committee(demo)
    assert post(f"/staff/calls/{demo.id}/finalise").status_code == 302
    assert letters(db, demo.id)[0].number == 1


def test_finalise_says_who_was_told_and_lists_the_letters_to_post(client, db, login_as, post, demo):
    make_authority()
    told = lead(db, "TTGS-DEMO-0029")
    make_user(organisation=told, email="en@aydin.example")
    make_user(organisation=told, email="tr@aydin.example", locale="tr")
    make_user(organisation=lead(db, "TTGS-DEMO-0002"), email="below@x.example")
    make_user(
        organisation=lead(db, "TTGS-DEMO-0036"), email="unverified@x.example", verified_member=False
    )
    lead(db, "TTGS-DEMO-0036").address = "Cumhuriyet Caddesi 5\n34000 İstanbul"
    login_as("staff")
    approve_committee(demo)
    before = text(client.get(f"/staff/calls/{demo.id}/finalise"))
    assert "44 lead applicants have no verified member who can receive e-mail:" in before
    assert "TTGS-DEMO-0036" in before and "TTGS-DEMO-0029," not in before

    approve_committee(demo)
    page = post(f"/staff/calls/{demo.id}/finalise", follow_redirects=True)
    said = page_words(page)
    assert (
        "The decisions of call TTGS-DEMO are final. 2 applicants were told by e-mail. 44 letters "
        "are to be sent "
        "by post or registered e-mail: their applicants have no verified member who can receive "
        "e-mail "
        "(listed below)."
    ) in said
    assert "Letters to send by post or registered e-mail" in said
    assert set(m.to for m in db.session.scalars(select(OutboxMessage))) == {
        "en@aydin.example",
        "tr@aydin.example",
        "below@x.example",
    }

    rows = {letter_queries.letter_of(row).reference: row for row in letters(db, demo.id)}
    assert rows["TTGS-DEMO-0029"].emailed == 2 and rows["TTGS-DEMO-0002"].emailed == 1
    unreached = rows["TTGS-DEMO-0036"]
    assert unreached.emailed == 0 and unreached.posted_at is None
    listed = said[said.index("Letters to send by post") : said.index("Register of letters")]
    assert "TTGS-DEMO-0029" not in listed and "TTGS-DEMO-0002" not in listed
    assert sum(1 for ref in rows if ref in listed) == 44
    assert (
        "İstanbul Belediyesi 36 Cumhuriyet Caddesi 5 34000 İstanbul Türkiye" in listed
    )  # the postal address

    for lang, heading in (
        ("en", "Decision on application TTGS-DEMO-0036"),
        ("tr", "TTGS-DEMO-0036 numaralı başvuruya ilişkin karar"),
    ):
        download = client.get(
            f"/staff/calls/{demo.id}/letters/issued/{unreached.id}.pdf?lang={lang}"
        )
        assert (
            download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
        )
        assert f"TTGS-DEMO-0036-decision-{lang}.pdf" in download.headers["Content-Disposition"]
        assert heading in words(download.data) and f"TTGS-DEMO/L/{unreached.number:03d}" in words(
            download.data
        )
    assert (
        client.get(f"/staff/calls/{demo.id}/letters/issued/{unreached.id}.pdf?lang=de").status_code
        == 404
    )

    posted = post(
        f"/staff/calls/{demo.id}/letters/issued/{unreached.id}/posted",
        {"post_reference": "RR123456789TR"},
        page=f"/staff/calls/{demo.id}/letters",
        follow_redirects=True,
    )
    said = page_words(posted)
    assert (
        f"Letter TTGS-DEMO/L/{unreached.number:03d} is recorded as sent by post or registered "
        f"e-mail." in said
    )
    listed = said[said.index("Letters to send by post") : said.index("Register of letters")]
    assert "TTGS-DEMO-0036" not in listed and "(RR123456789TR)" in said
    db.session.expire_all()
    assert unreached.posted_at is not None and unreached.post_reference == "RR123456789TR"
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "letter.posted")
        )
        == 1
    )
    again = post(
        f"/staff/calls/{demo.id}/letters/issued/{unreached.id}/posted",
        {"post_reference": "other"},
        page=f"/staff/calls/{demo.id}/letters",
        follow_redirects=True,
    )
    assert "was already recorded as sent on" in page_words(again)
    db.session.expire_all()
    assert unreached.post_reference == "RR123456789TR"


def test_when_nobody_could_be_told_the_flash_says_so(client, db, login_as, post, demo):
    make_authority()
    login_as("staff")
    approve_committee(demo)
    said = page_words(post(f"/staff/calls/{demo.id}/finalise", follow_redirects=True))
    assert (
        "Nobody was told by e-mail. 46 letters are to be sent by post or registered e-mail" in said
    )
    assert "told by e-mail." not in said.replace("Nobody was told by e-mail.", "")


# The admissibility check
# ------------------------------------------------------------------------------


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def test_an_admissibility_result_nobody_can_receive_is_listed_to_post(client, db, staff, post):
    make_authority()
    application, stage = submitted()
    make_user(
        organisation=application.lead, verified_member=False
    )  # asked to join: cannot act, gets nothing
    db.session.commit()
    response = check(post, stage, "inadmissible", "The budget annex is unreadable.")
    assert response.status_code == 302
    index = client.get(response.headers["Location"])
    said = page_words(index)
    assert (
        f"The check of {application.reference} was recorded, but nobody was told: "
        f"{application.lead.name} has "
        f"no verified member who can receive e-mail. Send letter "
        f"{application.call.reference}/L/001 by post or "
        "registered e-mail (listed below)."
    ) in said
    assert "was recorded and the lead applicant was told" not in said
    assert "Letters to send by post or registered e-mail" in said and application.reference in said
    (row,) = letters(db, application.call_id)
    assert (
        row.kind is LetterKind.admissibility and row.emailed == 0 and row.outcome == "inadmissible"
    )
    pdf = words(
        client.get(f"/staff/calls/{application.call_id}/letters/issued/{row.id}.pdf?lang=en").data
    )
    assert f"Administrative and eligibility check of application {application.reference}" in pdf
    assert "The budget annex is unreadable." in pdf and "How to complain" in pdf
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_an_admissibility_result_is_emailed_with_its_numbered_letter(client, db, staff, post):
    make_authority()
    application, stage = submitted()
    make_user(organisation=application.lead, email="tr@lead.example", locale="tr")
    db.session.commit()
    response = check(post, stage, "admissible")
    said = page_words(client.get(response.headers["Location"]))
    assert (
        f"The check of {application.reference} was recorded. Letter "
        f"{application.call.reference}/L/001 was "
        "e-mailed to 1 member of the lead applicant."
    ) in said
    assert "Letters to send by post" not in said
    (mail,) = db.session.scalars(select(OutboxMessage))
    assert mail.attachment_name == f"{application.reference}-admissibility.pdf"
    assert (
        f"{application.call.reference}/L/001" in mail.body
    )  # the Turkish e-mail names the attached letter
    letter = words(attachment_bytes(mail))
    assert (
        f"Sayı: {application.call.reference}/L/001" in letter
        and "idari ve uygunluk kontrolünü geçti" in letter
    )
    assert "Şikâyet yolu" not in letter  # nothing to complain about


def test_admissibility_letters_are_numbered_without_gaps_even_after_a_refusal(
    client, db, staff, post
):
    make_authority()
    call = make_call()
    first, first_stage = submitted(call=call)
    _second, second_stage = submitted(call=call)
    assert (
        check(post, first_stage, "inadmissible", "Unreadable annex.").status_code == 302
    )  # letter 1
    ticked = dict(ALL_TICKED)
    ticked.pop("manual_documents_legible")
    assert (
        check(post, second_stage, "admissible", ticked=ticked).status_code == 400
    )  # refused: no letter
    assert check(post, second_stage, "admissible").status_code == 302  # letter 2
    assert check(post, first_stage, "admissible").status_code == 302  # decided again: letter 3
    issued = letters(db, call.id)
    assert [(row.number, row.application_id, row.outcome) for row in issued] == [
        (1, first.id, "inadmissible"),
        (2, _second.id, "admissible"),
        (3, first.id, "admissible"),
    ]
    register_page = page_words(client.get(f"/staff/calls/{call.id}/letters"))
    assert f"{call.reference}/L/001" in register_page and f"{call.reference}/L/003" in register_page


def test_the_check_waits_for_the_letter_settings(client, db, staff, post):
    application, stage = submitted()
    page = text(client.get(f"/staff/calls/{application.call_id}/admissibility/{stage.id}"))
    assert (
        "cannot be issued without these letter settings" in page
        and "Record the decision" not in page
    )
    response = check(post, stage, "inadmissible", "Late.")
    assert response.status_code == 400 and "Name of the signatory" in text(response)
    assert letters(db, application.call_id) == []


# Numbers under concurrency (PostgreSQL)
# ------------------------------------------------------------------


@pytest.mark.postgres
def test_concurrent_letters_of_one_call_get_distinct_numbers_without_gaps(app):
    with app.app_context():
        require_postgresql()
        call = make_call(f"RACE-LT-{uuid.uuid4().hex[:6].upper()}")
        _db.session.commit()
        call_id = call.id
        _db.session.remove()
    barrier = threading.Barrier(8, timeout=30)

    def take(count: int):
        def task() -> list[int]:
            barrier.wait()
            first = letter_services.take_numbers(_db.session.get(Call, call_id), count)
            _db.session.commit()
            return list(range(first, first + count))

        return task

    try:
        done, errors = at_once(app, [take(1 + k % 3) for k in range(8)])
        assert not errors
        taken = sorted(number for numbers in done for number in numbers)
        assert taken == list(range(1, len(taken) + 1))  # no duplicate, no gap
    finally:
        remove_made(app, None, calls=[call_id])


def test_the_letters_to_post_come_as_one_pdf_to_print(client, db, staff, post, tmp_path):
    from grants.exports.letters_to_post import build
    from grants.models import ReportJob

    make_authority()
    call = make_call()
    for _ in range(2):
        _application, stage = submitted(call=call)
        assert check(post, stage, "inadmissible", "Unreadable annex.").status_code == 302
    seen = []
    name = build(call.id, "tr", seen.append, tmp_path / "letters.pdf")
    assert name == f"{call.reference}-letters-to-post-tr.pdf" and seen[-1] == 100
    pages = PdfReader(tmp_path / "letters.pdf").pages
    assert len(pages) == 2
    assert [
        f"Sayı: {call.reference}/L/00{n}" in page.extract_text() for n, page in enumerate(pages, 1)
    ] == [True] * 2

    letters_page = f"/staff/calls/{call.id}/letters"
    assert "Make one PDF of these letters, to print" in text(client.get(letters_page))
    response = post(
        f"/staff/calls/{call.id}/exports/letters_to_post",
        {"letters_to_post-language": "tr"},
        page=letters_page,
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(select(ReportJob.kind).where(ReportJob.call_id == call.id))
        == "letters_to_post"
    )

    for row in letters(db, call.id):
        letter_services.record_posted(row, "", staff.id)
    from grants.exports.kinds import ExportError

    with pytest.raises(ExportError, match="waiting to be sent by post"):
        build(call.id, "en", seen.append, tmp_path / "none.pdf")
