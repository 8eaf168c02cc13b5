"""Partner search: filters, the 'eligible partner for the call' marker, paging and privacy."""

import re

from tests.conftest import count_queries
from tests.factories import make_call, make_org, make_user


def seeking(
    name: str, country: str = "DE", type: str = "local_authority", themes=("culture",), **kw
):
    return make_org(
        country,
        type,
        name=name,
        seeking_partner=True,
        partner_themes=list(themes),
        partner_languages=["English", "German"],
        **kw,
    )


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/partners/\d+">([^<]+)</a>', html)


def test_lists_only_verified_organisations_seeking_a_partner(client, db, login_as):
    seeking(
        "Stadt Köln", region="Nordrhein-Westfalen", partner_description="Youth exchange and sport"
    )
    seeking("Unverified Town", verified=False)
    make_org("FR", "local_authority", name="Not Seeking Ville")
    login_as("applicant")
    page = client.get("/partners")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert names(text) == ["Stadt Köln"]
    for fact in (
        "Germany",
        "Nordrhein-Westfalen",
        "Local authority",
        "culture",
        "English, German",
        "Youth exchange and sport",
        "50,000",
    ):
        assert fact in text


def test_filters_by_country_type_theme_and_text(client, db, login_as):
    seeking("Alpha Gemeinde", "AT", themes=["Environment", "youth"], region="Tirol")
    seeking(
        "Beta Commune",
        "FR",
        "regional_authority",
        themes=["culture"],
        partner_description="river clean-up",
    )
    seeking("Gamma Kommune", "DE", themes=["youth"])
    login_as("applicant")

    def found(query: str) -> list[str]:
        return names(client.get(f"/partners?{query}").get_data(as_text=True))

    assert found("country=AT") == ["Alpha Gemeinde"]
    assert found("type=regional_authority") == ["Beta Commune"]
    assert found("theme=youth") == ["Alpha Gemeinde", "Gamma Kommune"]
    assert found("theme=Environment") == ["Alpha Gemeinde"]
    assert found("q=RIVER") == ["Beta Commune"]  # description
    assert found("q=tirol") == ["Alpha Gemeinde"]  # region
    assert found("q=kommune") == ["Gamma Kommune"]  # name
    assert found("q=100%25") == []  # LIKE wildcards are searched as text
    assert found("country=DE&theme=culture") == []


def test_theme_choices_come_from_the_profiles(client, db, login_as):
    seeking("Alpha", themes=["Environment"])
    seeking("Beta", themes=["environment", "Sport"])
    login_as("applicant")
    text = client.get("/partners").get_data(as_text=True)
    assert re.findall(r'<option value="(Environment|environment|Sport)"', text) == [
        "Environment",
        "Sport",
    ]
    assert names(client.get("/partners?theme=Environment").get_data(as_text=True)) == [
        "Alpha",
        "Beta",
    ]


def test_invalid_filter_is_named_and_ignored(client, db, login_as):
    seeking("Alpha")
    login_as("applicant")
    page = client.get("/partners?country=XX")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "There is a problem" in text and "Country" in text and names(text) == ["Alpha"]


def test_eligible_partner_marker_and_filter_follow_the_calls_rules(client, db, login_as):
    call = make_call(
        "TTGS-2026",
        partner_countries=["TR", "DE", "FR"],
        partner_types=["municipality", "local_authority"],
    )
    make_call("DRAFT-1", status="draft")
    seeking("Köln", "DE")
    seeking("Boston", "US")
    seeking("Region Bretagne", "FR", "regional_authority")
    login_as("applicant")

    everything = client.get("/partners").get_data(as_text=True)
    assert "Eligible partner for" not in everything
    assert "TTGS-2026" in everything and "DRAFT-1" not in everything  # published calls only

    text = client.get(f"/partners?call_id={call.id}").get_data(as_text=True)
    assert names(text) == ["Boston", "Köln", "Region Bretagne"]
    assert text.count("Eligible partner for TTGS-2026") == 1
    assert re.search(r">Köln</a>\s*<span class=\"badge[^>]*>Eligible partner for TTGS-2026", text)

    text = client.get(f"/partners?call_id={call.id}&only_eligible=y").get_data(as_text=True)
    assert names(text) == ["Köln"] and "Eligible partner for TTGS-2026" in text
    assert re.search(r'<input checked[^>]*name="only_eligible"', text)  # the filter stays on


def test_no_email_address_is_shown(client, db, login_as):
    org = seeking("Köln", partner_description="Write to us")
    make_user("applicant", organisation=org, email="mayor@koeln.example")
    login_as("applicant")
    for url in ("/partners", f"/partners/{org.id}"):
        text = client.get(url).get_data(as_text=True)
        assert "Köln" in text
        assert "mayor@koeln.example" not in text and "@" not in text.split("<main", 1)[1]


def test_paging(client, db, login_as):
    for n in range(23):
        seeking(f"Town {n:02d}")
    login_as("applicant")
    first = names(client.get("/partners").get_data(as_text=True))
    second_page = client.get("/partners?page=2").get_data(as_text=True)
    assert first[0] == "Town 00" and len(first) == 20
    assert names(second_page) == ["Town 20", "Town 21", "Town 22"]
    assert "23 organisations found." in second_page
    filtered = (
        client.get("/partners?country=DE&theme=culture")
        .get_data(as_text=True)
        .replace("&amp;", "&")
    )
    assert re.search(
        r'href="/partners\?page=2&[^"]*country=DE', filtered
    )  # the pages keep the filters
    assert re.search(r'href="/partners\?page=2&[^"]*theme=culture', filtered)


def test_search_runs_a_constant_number_of_queries(client, db, login_as):
    call = make_call("TTGS-2026")
    seeking("Town A", themes=["culture", "sport"])
    login_as("applicant")
    url = f"/partners?call_id={call.id}&theme=culture&only_eligible=y"

    def queries() -> int:
        client.get(url)
        with count_queries(db.engine) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    few = queries()
    for n in range(8):
        seeking(f"Town {n}", ["FR", "TR", "US"][n % 3], themes=["culture", f"t{n}"])
    assert queries() == few


def test_who_may_search(client, db, login_as):
    assert client.get("/partners").status_code == 302  # to the login page
    login_as("evaluator")
    assert client.get("/partners").status_code == 403


def test_staff_may_browse_but_not_contact(client, db, login_as):
    org = seeking("Köln")
    login_as("staff")
    assert client.get("/partners").status_code == 200
    text = client.get(f"/partners/{org.id}").get_data(as_text=True)
    assert "Köln" in text and "Send a message" not in text


def test_profile_of_an_unknown_or_unverified_organisation_is_not_found(client, db, login_as):
    login_as("applicant")
    assert client.get("/partners/999999").status_code == 404
    assert client.get(f"/partners/{seeking('Hidden', verified=False).id}").status_code == 404
