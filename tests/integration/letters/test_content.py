"""What a decision letter says (issue 12.1, docs/domain.md 5): the true reason of each decision (an
override's justification, a reduction by how much and why, what the award walk found, awards below
it), and the official parts a ministry's letter carries (letterhead and logo, number, date,
addressee, signatory, how and by when to complain), in English and in Turkish."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from pypdf import PdfReader
from sqlalchemy import select

from grants.awards import rank_call
from grants.models import Application, IssuedLetter, LetterKind
from tests.factories import make_authority, make_call, make_user
from tests.factories.awards import add_application, override_url
from tests.factories.committee import approve_committee

REDUCED = "The committee cut the study-visit costs it found excessive."
DROPPED = "Double funding: the same activities are funded by the regional programme."
OUT_OF_ORDER = "The committee funds one project per province; Sivas has none yet."


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))


@pytest.fixture
def authority(db):
    return make_authority(
        complaints_body_en="the Complaints Board of the Directorate",
        complaints_body_tr="Başkanlık Şikâyet Kurulu",
        complaints_address="PK 12, 06100 Ankara",
    )


def words(data: bytes) -> str:
    """The PDF's text, with its line breaks and spacing made single spaces."""
    assert data.startswith(b"%PDF")
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def application(db, reference: str) -> Application:
    return db.session.scalar(select(Application).where(Application.reference == reference))


def issued(db, reference: str) -> IssuedLetter:
    return db.session.scalar(
        select(IssuedLetter).where(
            IssuedLetter.application_id == application(db, reference).id,
            IssuedLetter.kind == LetterKind.decision,
        )
    )


def letter(client, db, reference: str, lang: str = "en") -> str:
    row = issued(db, reference)
    response = client.get(f"/staff/calls/{row.call_id}/letters/issued/{row.id}.pdf?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return words(response.data)


@pytest.fixture
def decided(client, db, login_as, post, demo, authority):  # noqa: F811
    """The example call with a reduced award, an award moved to not selected, a lower-ranked reserve
    awarded out of order, each with its justification; then finalised."""
    application(db, "TTGS-DEMO-0029").lead.address = "Atatürk Bulvarı No: 12\n09100 Efeler / Aydın"
    db.session.commit()
    login_as("staff")
    ranking = f"/staff/calls/{demo.id}/ranking"
    for reference, form in (
        ("TTGS-DEMO-0023", {"outcome": "awarded", "amount": "100000", "justification": REDUCED}),
        ("TTGS-DEMO-0036", {"outcome": "not_selected", "justification": DROPPED}),
        ("TTGS-DEMO-0010", {"outcome": "awarded", "justification": OUT_OF_ORDER}),
    ):
        assert post(override_url(demo, reference, db), form, page=ranking).status_code == 302, (
            reference
        )
    approve_committee(demo)
    assert post(f"/staff/calls/{demo.id}/finalise").status_code == 302
    db.session.expire_all()
    return demo


def test_an_application_moved_by_an_override_is_told_the_justification_not_a_budget_reason(
    client, db, decided
):
    said = letter(client, db, "TTGS-DEMO-0036")
    assert "Outcome: Not selected" in said
    assert "Your application passed every threshold and is ranked 21 of 34." in said
    assert (
        f"The contracting authority decided not to select your application for funding, for this "
        f"reason: "
        f"{DROPPED}" in said
    )
    assert "ranked higher" not in said and "budget" not in said.replace(
        "Budget and cost-effectiveness", ""
    )


def test_a_reduced_award_is_told_by_how_much_and_why(client, db, decided):
    said = letter(client, db, "TTGS-DEMO-0023")
    assert (
        "We are pleased to inform you that your application has been selected for a grant of "
        "€100,000.00. "
        "This is €20,000.00 less than the €120,000.00 you requested."
    ) in said
    assert f"The contracting authority reduced the grant for this reason: {REDUCED}" in said
    assert "How to complain" in said  # less than requested: the applicant may complain


def test_an_award_in_full_says_so_and_offers_no_complaint(client, db, decided):
    said = letter(client, db, "TTGS-DEMO-0029")
    assert "selected for a grant of €75,000.00, the amount you requested." in said
    assert "Programme staff will contact you to prepare the grant contract." in said
    assert "How to complain" not in said and "reduced" not in said


def test_reserve_letters_tell_the_budget_left_at_their_turn_and_the_awards_made_below_them(
    client, db, decided
):
    first = letter(client, db, "TTGS-DEMO-0037")  # rank 28: where the strict walk stopped
    assert (
        "When its turn came in the ranking, €27,234.00 of the budget was left: less than the "
        "€90,000.00 you "
        "requested."
    ) in first
    assert (
        "The contracting authority also awarded applications ranked lower than yours, each by a "
        "decision "
        "recorded with its justification."
    ) in first  # 0010, rank 31
    assert (
        "At the date of this letter, €87,234.00 of the budget is not awarded: less than the "
        "€90,000.00 you "
        "requested."
    ) in first
    assert "It is number 1 on the reserve list" in first
    assert OUT_OF_ORDER not in first  # another applicant's justification stays with that applicant

    second = letter(client, db, "TTGS-DEMO-0001")  # rank 29: below the stop
    assert (
        "The call's award rule awards the ranking strictly in order and stops at the first "
        "application that "
        "the budget left does not cover: the application ranked 28, when €27,234.00 was left."
    ) in second
    assert (
        "also awarded applications ranked lower than yours" in second
        and "number 2 on the reserve list" in second
    )

    last = letter(client, db, "TTGS-DEMO-0016")  # rank 34: nothing below it was awarded
    assert "ranked lower than yours" not in last and "ranked higher" not in last


@pytest.mark.parametrize(
    "reserve_list_length, outcome", [(None, "Reserve list"), (0, "Not selected")]
)
def test_under_the_fill_rule_a_letter_never_says_the_budget_went_to_higher_ranked_applications(
    client, db, login_as, post, authority, reserve_list_length, outcome
):
    call = make_call(
        "FILL-1",
        status="evaluation",
        award_rule="fill",
        total_budget=D("200000.00"),
        reserve_list_length=reserve_list_length,
    )
    add_application(call, [5, 5], "120000.00")  # rank 1: awarded, 80,000 left
    skipped = add_application(call, [4, 4], "100000.00")  # rank 2: does not fit
    add_application(call, [3, 3], "60000.00")  # rank 3: fits, awarded
    rank_call(call.id)
    db.session.commit()
    login_as("staff")
    approve_committee(call)
    assert post(f"/staff/calls/{call.id}/finalise").status_code == 302
    said = letter(client, db, skipped.reference)
    assert f"Outcome: {outcome}" in said
    assert (
        "When its turn came in the ranking, €80,000.00 of the budget was left: less than the "
        "€100,000.00 you "
        "requested."
    ) in said
    assert (
        "Under the call's award rule, the budget left then went to applications ranked lower than "
        "yours whose "
        "requested grant it covered."
    ) in said
    assert "ranked higher" not in said
    if reserve_list_length == 0:
        assert "The call keeps no reserve list." in said
    else:
        assert "At the date of this letter, €20,000.00 of the budget is not awarded" in said


def test_a_strict_walk_and_a_request_above_the_maximum_grant_are_told_as_they_are(
    client, db, login_as, post, authority
):
    call = make_call(
        "STRICT-1", status="evaluation", total_budget=D("200000.00"), reserve_list_length=1
    )
    add_application(call, [5, 5], "120000.00")  # rank 1: awarded
    add_application(call, [4, 4], "100000.00")  # rank 2: the walk stops here (reserve)
    below = add_application(
        call, [4, 3], "60000.00"
    )  # rank 3: after the stop, the reserve list is full
    too_much = add_application(
        call, [3, 3], "140000.00"
    )  # rank 4: above the maximum grant of 130,000
    rank_call(call.id)
    db.session.commit()
    login_as("staff")
    approve_committee(call)
    assert post(f"/staff/calls/{call.id}/finalise").status_code == 302
    said = letter(client, db, below.reference)
    assert "Outcome: Not selected" in said
    assert (
        "stops at the first application that the budget left does not cover: the application "
        "ranked 2, when "
        "€80,000.00 was left."
    ) in said
    assert (
        "The reserve list holds at most 1 application, and when the ranking was made its place "
        "went to an "
        "application ranked higher than yours."
    ) in said
    said = letter(client, db, too_much.reference)
    assert (
        "The grant you requested, €140,000.00, is above the call's maximum grant of €130,000.00: "
        "it cannot be "
        "awarded as requested."
    ) in said


def test_the_letter_carries_the_official_parts_of_a_ministry_letter(client, db, decided):
    row = issued(db, "TTGS-DEMO-0023")
    said = letter(client, db, "TTGS-DEMO-0023")
    day = decided.finalised_at.astimezone(ZoneInfo("Europe/Istanbul")).date()
    assert said.startswith(
        "Directorate for EU Affairs Mustafa Kemal Mahallesi 2082. Cadde No: 4 06510 Çankaya / "
        "Ankara Türkiye"
    )
    assert (
        f"Number: TTGS-DEMO/L/{row.number:03d}" in said
        and format_date(day, "long", locale="en") in said
    )
    assert (
        "Kayseri Belediyesi 23 Türkiye Decision on application TTGS-DEMO-0023" in said
    )  # the country by name
    assert "Call for proposals TTGS-DEMO" in said and "Dear Sir or Madam," in said
    assert (
        "If you consider this decision wrong, you may complain in writing to the Complaints Board "
        "of the "
        "Directorate, PK 12, 06100 Ankara, no later than "
        f"{format_date(day + timedelta(days=30), 'long', locale='en')} (30 days after the date of "
        f"this letter). "
        f"Quote the number of this letter, TTGS-DEMO/L/{row.number:03d}, and the reference of your "
        f"application."
    ) in said
    assert said.endswith(
        "Yours faithfully, Deniz Yılmaz Head of the Department for Financial Cooperation "
        f"Directorate for EU Affairs TTGS-DEMO/L/{row.number:03d} 1 / 1"
    )
    awarded = letter(client, db, "TTGS-DEMO-0029")
    assert (
        "Atatürk Bulvarı No: 12 09100 Efeler / Aydın Türkiye" in awarded
    )  # the lead's postal address


def test_the_logo_is_printed_on_the_letter(client, db, login_as, post, demo, authority):
    from tests.factories import png_bytes

    staff = login_as("staff")
    from grants.settings.services import save

    save({"name_en": authority.name_en}, png_bytes(), False, staff.id)
    db.session.commit()
    approve_committee(demo)
    assert post(f"/staff/calls/{demo.id}/finalise").status_code == 302
    row = issued(db, "TTGS-DEMO-0029")
    data = client.get(f"/staff/calls/{demo.id}/letters/issued/{row.id}.pdf?lang=en").data
    assert [
        image.name for image in PdfReader(io.BytesIO(data)).pages[0].images
    ]  # one image: the logo


def test_an_issued_letter_keeps_what_it_said_when_the_settings_change(
    client, db, login_as, post, decided
):
    before = letter(client, db, "TTGS-DEMO-0029")
    make_authority(name_en="Renamed Directorate", signatory_name="Another Signatory")
    db.session.commit()
    assert letter(client, db, "TTGS-DEMO-0029") == before
    member = make_user(organisation=application(db, "TTGS-DEMO-0029").lead)
    login_as(user=member)  # the applicant downloads the same letter, with its number
    data = client.get(f"/decisions/{application(db, 'TTGS-DEMO-0029').id}/letter.pdf").data
    assert words(data) == before


def test_turkish_letters_are_in_turkish_with_country_names_in_turkish(client, db, decided):
    said = letter(client, db, "TTGS-DEMO-0036", "tr")
    row = issued(db, "TTGS-DEMO-0036")
    day = decided.finalised_at.astimezone(ZoneInfo("Europe/Istanbul")).date()
    assert said.startswith("Avrupa Birliği Başkanlığı Mustafa Kemal Mahallesi")
    assert (
        f"Sayı: TTGS-DEMO/L/{row.number:03d}" in said
        and format_date(day, "long", locale="tr") in said
    )
    assert "İstanbul Belediyesi 36 Türkiye" in said
    assert "TTGS-DEMO-0036 numaralı başvuruya ilişkin karar" in said and "Sayın Yetkili," in said
    assert "Sonuç: Seçilmedi" in said
    assert "Başvurunuz tüm eşikleri geçti ve 34 başvuru arasında 21. sırada yer aldı." in said
    assert (
        f"Sözleşme makamı, başvurunuzu şu gerekçeyle hibe için seçmemeye karar verdi: {DROPPED}"
        in said
    )
    assert "Şikâyet yolu" in said and "Başkanlık Şikâyet Kurulu" in said
    assert format_date(day + timedelta(days=30), "long", locale="tr") in said
    assert said.endswith(
        f"Saygılarımla, Deniz Yılmaz Mali İşbirliği Dairesi Başkanı Avrupa Birliği Başkanlığı "
        f"TTGS-DEMO/L/{row.number:03d} 1 / 1"
    )
    reserve = letter(client, db, "TTGS-DEMO-0037", "tr")
    assert (
        "Sıra başvurunuza geldiğinde bütçeden €27.234,00 kalmıştı: talep ettiğiniz €90.000,00 "
        "tutarından "
        "azdı."
    ) in reserve


def test_an_issued_letter_is_rendered_once_per_language_then_copied(
    app, client, db, decided, login_as, monkeypatch, tmp_path
):
    from grants.letters import queries as letter_queries

    # a documents space of its own, where none is kept yet (the bucket is shared with other tests)
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")
    monkeypatch.setitem(app.config, "DOCUMENT_DIR", str(tmp_path / "documents"))

    rendered = []
    render = letter_queries.letter_pdf
    monkeypatch.setattr(
        letter_queries,
        "letter_pdf",
        lambda env, letter, locale, logo: (
            rendered.append(locale) or render(env, letter, locale, logo)
        ),
    )
    first = letter(client, db, "TTGS-DEMO-0029", "tr")
    assert letter(client, db, "TTGS-DEMO-0029", "tr") == first
    assert letter(client, db, "TTGS-DEMO-0029", "en") != first
    letter(client, db, "TTGS-DEMO-0029", "en")
    assert sorted(rendered) == ["en", "tr"]  # each language rendered once, then copied
    member = make_user(organisation=application(db, "TTGS-DEMO-0029").lead, locale="tr")
    login_as(user=member)  # the applicant downloads the same final letter: copied too
    data = client.get(f"/decisions/{application(db, 'TTGS-DEMO-0029').id}/letter.pdf").data
    assert words(data) == first and sorted(rendered) == ["en", "tr"]
