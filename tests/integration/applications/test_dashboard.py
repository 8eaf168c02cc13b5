"""The applicant's dashboard: the organisation's applications, its partnerships, the calls it can
apply to."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import count_queries, selects
from tests.factories import make_application, make_call, make_org


def test_lists_led_applications_with_status_reference_and_deadline(client, login_as, db):
    user = login_as("applicant")
    call = make_call(reference="TTGS-2026", timezone="Europe/Berlin")
    make_application(call, lead=user.organisation, title="Clean rivers", status="submitted")
    make_application(
        make_call(reference="TTGS-2027"), lead=user.organisation, title="Green squares"
    )
    make_application(call, title="Someone else's project")
    db.session.commit()
    page = client.get("/applications").get_data(as_text=True)
    assert "Clean rivers" in page and "TTGS-2026-0001" in page and "Submitted" in page
    assert "Green squares" in page and "Draft" in page
    assert "(Europe/Berlin)" in page
    assert "Someone else&#39;s project" not in page


def test_lists_partnerships_with_a_link_to_the_invitation(client, login_as, db):
    user = login_as("applicant", organisation=make_org("DE", "local_authority"))
    lead = make_org("TR", name="Çankaya Municipality")
    application = make_application(
        make_call(), lead=lead, partners=[user.organisation], confirmed=False, title="Twin parks"
    )
    db.session.commit()
    page = client.get("/applications").get_data(as_text=True)
    assert "Twin parks" in page and "Çankaya Municipality" in page and "Proposed" in page
    partner = application.partners[0]
    assert f"/partners/invitations/{partner.id}" in page


def test_open_calls_offer_to_start_or_say_why_not(client, login_as, db):
    user = login_as("applicant")
    open_call = make_call(title="Open to us")
    make_call(title="Not for municipalities", lead_types=["governorate"])
    make_call(title="Closed call", opens_in=timedelta(days=-30), deadline_in=timedelta(days=-1))
    make_application(
        make_call(title="Applied already", max_applications_per_lead=1), lead=user.organisation
    )
    db.session.commit()
    page = client.get("/applications").get_data(as_text=True)
    assert f'action="/applications/start/{open_call.id}"' in page
    assert page.count("Start an application") == 1
    assert "already has 1 application(s) in this call" in page
    assert "Your type of organisation may not lead an application in this call." in page
    assert "Closed call" not in page


def test_unverified_organisation_sees_why_and_cannot_start(client, login_as, db):
    login_as("applicant", organisation=make_org(verified=False, name="Pending Town"))
    make_call()
    db.session.commit()
    page = client.get("/applications").get_data(as_text=True)
    assert "Pending Town has not been verified by the programme staff yet" in page
    assert "Start an application" not in page


def test_pending_member_sees_why(client, login_as, db):
    login_as("applicant", organisation=make_org(name="Busy Town"), verified_member=False)
    db.session.commit()
    page = client.get("/applications").get_data(as_text=True)
    assert "Your membership of Busy Town is waiting for verification" in page


def test_navigation_links_to_the_dashboard(client, login_as, db):
    login_as("applicant")
    db.session.commit()
    assert 'href="/applications"' in client.get("/").get_data(as_text=True)


def _dashboard_queries(client, db, user, n: int) -> int:
    for _ in range(n):
        call = make_call()
        make_application(call, lead=user.organisation)
        make_application(call, partners=[user.organisation])
    db.session.commit()
    with count_queries(db.engine) as statements:
        assert client.get("/applications").status_code == 200
    return selects(statements)


def test_query_count_does_not_grow_with_applications(client, login_as, db):
    user = login_as("applicant")
    few = _dashboard_queries(client, db, user, 10)
    many = _dashboard_queries(client, db, user, 90)
    assert few == many


def test_query_count_is_the_same_for_1000_applications(client, login_as, db):
    """The issue's scale: 11 applications, then 1,000 (most as a partner in one busy call)."""
    user = login_as("applicant")
    _dashboard_queries(client, db, user, 5)
    busy = make_call()
    make_application(busy, partners=[user.organisation])
    db.session.commit()
    with count_queries(db.engine) as statements:
        assert client.get("/applications").status_code == 200
    few = selects(statements)
    for _ in range(989):
        make_application(busy, partners=[user.organisation])
    db.session.commit()
    with count_queries(db.engine) as statements:
        assert client.get("/applications").status_code == 200
    assert selects(statements) == few
