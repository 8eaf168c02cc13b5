"""Searches match Turkish (and accented) letters either way: Aydin = Aydın = AYDIN = aydın, in the
database query."""

from urllib.parse import quote

import pytest

from tests.factories import make_application, make_call, make_org

PAIRS = [
    ("Aydin", "Aydın"),
    ("AYDIN", "Aydın"),
    ("aydın", "AYDIN"),
    ("Balikesir", "BALIKESİR"),
    ("Cankaya", "Çankaya"),
    ("Sisli", "Şişli"),
    ("Goc", "Göç"),
    ("Uskudar", "Üsküdar"),
    ("ÜSKÜDAR", "Uskudar"),
]


@pytest.mark.parametrize(("typed", "stored"), PAIRS)
def test_partner_search_by_name_region_or_description(client, db, login_as, typed, stored):
    make_org(name=f"{stored} Belediyesi", seeking_partner=True, region="Ege")
    make_org(name="Kehl", country="DE", seeking_partner=True, region=f"near {stored}")
    make_org(
        name="Lyon", country="FR", seeking_partner=True, partner_description=f"{stored} twinning"
    )
    make_org(name="Elsewhere", country="FR", seeking_partner=True)
    login_as("applicant")
    text = client.get(f"/partners?q={quote(typed)}").get_data(as_text=True)
    assert (
        f"{stored} Belediyesi" in text
        and "Kehl" in text
        and "Lyon" in text
        and "Elsewhere" not in text
    )


def test_partnership_organisation_search(client, db, login_as):
    application = make_application(
        make_call(), partners=[make_org("DE", "local_authority")], confirmed=False
    )
    make_org(name="Şişli Belediyesi")
    login_as("applicant", organisation=application.lead)
    for typed in ("sisli", "SİŞLİ", "Şişli"):
        assert "Şişli Belediyesi (Türkiye)" in client.get(
            f"/applications/{application.id}/partnership?q={quote(typed)}"
        ).get_data(as_text=True), typed


def test_staff_list_of_applications_searches_titles_and_leads(client, db, login_as):
    call = make_call(reference="TTGS-2026")
    make_application(
        call, lead=make_org(name="Üsküdar Belediyesi"), title="Göç ve uyum", status="submitted"
    )
    make_application(call, lead=make_org(name="Bornova"), title="Green squares", status="submitted")
    login_as("staff")
    for typed in ("goc", "GÖÇ", "uskudar", "ÜSKÜDAR"):
        text = client.get(f"/staff/calls/{call.id}/applications?q={quote(typed)}").get_data(
            as_text=True
        )
        assert "Göç ve uyum" in text and "Green squares" not in text, typed


def test_the_search_key_follows_every_change(db):
    org = make_org(name="Aydın")
    org.name = "Balıkesir"
    db.session.flush()
    assert org.name_key == "balikesir" and org.search_key.startswith("balikesir\n")


def test_staff_list_of_users_searches_names(client, db, login_as):
    from tests.factories import make_user

    make_user("applicant", name="Ayşe Yılmaz", email="a1@example.org")
    make_user("applicant", name="Mehmet Demir", email="m1@example.org")
    login_as("staff")
    for typed in ("ayse", "AYŞE", "yilmaz", "YILMAZ"):
        text = client.get(f"/admin/users?q={quote(typed)}").get_data(as_text=True)
        assert "Ayşe Yılmaz" in text and "Mehmet Demir" not in text, typed
