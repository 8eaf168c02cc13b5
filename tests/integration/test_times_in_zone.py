"""Times are shown in the call's time zone, with the zone named, everywhere (issue 12.9): a time
that belongs to a call in the call's zone; one that belongs to no call (accounts, the outbox) in the
programme's zone (setting TIMEZONE, Europe/Istanbul by default), never in UTC or the server's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grants.calls.services import CallRefused, update_call
from grants.i18n import issue_text
from grants.models import JobStatus, MailStatus, OutboxMessage, ReportJob
from tests.factories import make_call

NINE_UTC = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_downloads_list_shows_when_each_export_was_requested_in_its_calls_zone(
    client, db, login_as
):
    berlin, istanbul = make_call(timezone="Europe/Berlin"), make_call(timezone="Europe/Istanbul")
    for call in (berlin, istanbul):
        db.session.add(
            ReportJob(
                kind="workbook",
                call_id=call.id,
                params={"locale": "en"},
                created_at=NINE_UTC,
                status=JobStatus.failed,
                error="Stopped.",
            )
        )
    db.session.commit()
    login_as("staff")
    page = client.get(f"/staff/calls/{berlin.id}/exports").get_data(as_text=True)
    assert "10:00:00 AM (Europe/Berlin)" in " ".join(page.split()) and "(UTC)" not in page
    page = " ".join(client.get("/staff/exports").get_data(as_text=True).split())
    assert (
        "10:00:00 AM (Europe/Berlin)" in page
        and "12:00:00 PM (Europe/Istanbul)" in page
        and "(UTC)" not in page
    )


def test_the_outbox_shows_times_in_the_programmes_zone(client, db, login_as, app, monkeypatch):
    message = OutboxMessage(
        to="a@example.org", subject="Hello", body="B", status=MailStatus.logged, created_at=NINE_UTC
    )
    db.session.add(message)
    db.session.commit()
    login_as("admin")
    page = " ".join(client.get("/admin/outbox").get_data(as_text=True).split())
    assert "12:00:00 PM (Europe/Istanbul)" in page and "(UTC)" not in page
    monkeypatch.setitem(app.config, "TIMEZONE", "Europe/Brussels")
    page = " ".join(client.get(f"/admin/outbox/{message.id}").get_data(as_text=True).split())
    assert "10:00:00 AM (Europe/Brussels)" in page


def test_a_refused_earlier_deadline_names_the_promised_one_in_the_calls_zone(db, app):
    call = make_call(timezone="Europe/Istanbul")
    call.deadline = datetime(
        2099, 6, 1, 14, 0, tzinfo=UTC
    )  # 17:00 in Istanbul; after any test clock
    with pytest.raises(CallRefused) as refused:
        update_call(call, {"deadline": call.deadline - timedelta(days=3)}, None)
    with app.test_request_context():
        text = " ".join(issue_text(refused.value.issues[0]).split())
    assert "(it was Jun 1, 2099, 5:00:00 PM (Europe/Istanbul))" in text
