"""The clarification form at the exact end of the question window (issue 16, gap 3).

PRAG 6.4.8: questions may be sent up to 21 days before the deadline for submission. The window is
counted on the call's local calendar (its time zone, summer time included) from its first deadline;
its end is EXCLUSIVE: at the instant it closes no question is taken any more (one second before, it
is). The ask form, its POST, the questions-and-answers page and the call page agree at that
instant, in English and in Turkish."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grants.calldocs.queries import windows
from tests.factories.calldocs import call_on_clock, page

SECOND = timedelta(seconds=1)
# 5 April 2027 12:00 in Berlin is summer time (UTC+2); 21 calendar days before, 15 March 12:00, is
# winter time (UTC+1): the window closes at 11:00 UTC, not at 10:00 (21 x 24 hours before).
DEADLINE = datetime(2027, 4, 5, 10, 0, tzinfo=UTC)
CLOSES = datetime(2027, 3, 15, 11, 0, tzinfo=UTC)


@pytest.fixture
def berlin_call(db):
    call = call_on_clock(timezone="Europe/Berlin")
    call.deadline = DEADLINE
    db.session.commit()
    return call


def plain(response) -> str:
    """The page's text with CLDR's narrow and no-break spaces as plain spaces."""
    return page(response).replace("\u202f", " ").replace("\xa0", " ")


def pages(client, call) -> list[str]:
    return [
        plain(client.get(f"/calls/{call.reference}/questions/ask")),
        plain(client.get(f"/calls/{call.reference}/questions")),
        plain(client.get(f"/calls/{call.reference}")),
    ]


def test_the_window_closes_21_local_days_before_the_deadline(berlin_call):
    assert windows(berlin_call).questions_close == CLOSES


def test_one_second_before_the_end_the_form_is_open_and_a_question_is_taken(
    client, db, login_as, post, clock, berlin_call
):
    call = berlin_call
    login_as("applicant")
    clock.now = CLOSES - SECOND
    ask, faq, public = pages(client, call)
    until = "Questions can be asked until Mar 15, 2027, 12:00:00 PM (Europe/Berlin)"
    assert 'name="text"' in ask and until in ask and until in faq and until in public
    response = post(f"/calls/{call.reference}/questions/ask", {"text": "Is a union eligible?"})
    assert response.status_code == 302


def test_at_the_end_instant_the_form_says_closed_and_the_post_is_refused(
    client, db, login_as, post, clock, berlin_call
):
    call = berlin_call
    login_as("applicant")
    ask_url = f"/calls/{call.reference}/questions/ask"
    form_page = page(client.get(ask_url))  # fetched while still open, sent at the end
    assert 'name="text"' in form_page
    clock.now = CLOSES
    closed = "The period for questions closed on Mar 15, 2027, 12:00:00 PM (Europe/Berlin)."
    ask, faq, public = pages(client, call)
    assert 'name="text"' not in ask
    assert closed in ask
    assert closed in faq
    assert closed in public
    refused = post(ask_url, {"text": "Too late?"}, page=f"/calls/{call.reference}/questions")
    assert refused.status_code == 400
    assert closed in plain(refused) and 'name="text"' not in plain(refused)


def test_the_closed_form_in_turkish(client, db, login_as, clock, berlin_call):
    call = berlin_call
    login_as("applicant", locale="tr")
    with client.session_transaction() as session:
        session["lang"] = "tr"
    clock.now = CLOSES
    ask = plain(client.get(f"/calls/{call.reference}/questions/ask"))
    assert "15 Mar 2027 12:00:00 (Europe/Berlin)" in ask and 'name="text"' not in ask
    clock.now = CLOSES - SECOND
    assert 'name="text"' in page(client.get(f"/calls/{call.reference}/questions/ask"))
