"""The message log of an application (issue 16 item 7): every e-mail sent about it, with its date,
recipient and language, for staff; each applicant member sees those sent to them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from grants import mail
from grants.extensions import db as _db
from tests.conftest import count_queries, selects
from tests.factories import make_call, make_org, make_user
from tests.factories.submission import partner_member, ready_application, submit

NOW = datetime(2027, 2, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def submitted(client, login_as, post, db, fixed_now):
    """Submitted by an English lead member; another lead member reads Turkish; a partner member."""
    fixed_now(NOW)
    organisation = make_org()
    lead = login_as("applicant", organisation=organisation, email="lead@example.org")
    make_user(organisation=organisation, email="ikinci@example.org", locale="tr")
    call = make_call(reference="TTGS-LOG")
    call.opens_at = NOW.replace(year=2026)
    call.deadline = NOW.replace(year=2028)
    application = ready_application(lead, call)
    partner_member(application, email="partner@example.org")
    db.session.commit()
    assert submit(post, application).status_code == 302
    db.session.expire_all()
    return application, lead


def _rows(page: str) -> list[str]:
    table = re.search(r'id="messages-heading".*?</section>', page, re.S).group(0)
    return re.findall(r"<tr>\s*<td>.*?</tr>", table, re.S)


def test_staff_see_every_email_sent_about_the_application(client, login_as, submitted):
    application, _ = submitted
    login_as("staff")
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    rows = _rows(page)
    assert len(rows) == 3
    text = " ".join(rows)
    for address in ("lead@example.org", "ikinci@example.org", "partner@example.org"):
        assert address in text
    assert "Application TTGS-LOG-0001 received" in text
    assert "TTGS-LOG-0001 numaralı başvuru alındı" in text and "Türkçe" in text  # their language
    assert "Feb 20, 2027, 12:00:00" in text  # the fixed clock, in the call's zone


def test_an_applicant_member_sees_only_the_emails_sent_to_them(client, login_as, submitted):
    application, lead = submitted
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Messages sent to you" in page
    rows = _rows(page)
    assert len(rows) == 1 and "Application TTGS-LOG-0001 received" in rows[0]
    assert "ikinci@example.org" not in page and "partner@example.org" not in page


def test_a_message_not_about_the_application_is_not_in_its_log(client, login_as, submitted):
    application, lead = submitted
    mail.send(lead.email, "Unrelated", "email/password_reset.txt", user=lead, link="x", hours=1)
    _db.session.commit()
    assert "Unrelated" not in client.get(f"/applications/{application.id}").get_data(as_text=True)


def test_the_staff_page_costs_the_same_queries_with_more_messages(client, login_as, submitted, db):
    application, lead = submitted
    login_as("staff")
    url = f"/applications/{application.id}"
    _db.session.commit()  # both measures start from the same state: nothing loaded
    with count_queries(db.engine) as few:
        client.get(url)
    for n in range(20):
        mail.send(
            lead.email,
            f"Note {n}",
            "email/password_reset.txt",
            about=application.id,
            user=lead,
            link="x",
            hours=1,
        )
    _db.session.commit()
    with count_queries(db.engine) as many:
        page = client.get(url).get_data(as_text=True)
    assert len(_rows(page)) == 23
    assert selects(many) == selects(few)
