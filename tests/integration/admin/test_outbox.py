"""The admin outbox: every e-mail, newest first, paged, with its status and body."""

from datetime import timedelta

from grants.extensions import db as _db
from grants.models import MailStatus, OutboxMessage
from grants.models.base import now_utc
from tests.conftest import count_queries
from tests.factories import make_org, make_user


def _messages(n: int) -> list[OutboxMessage]:
    start = now_utc() - timedelta(hours=1)
    messages = [
        OutboxMessage(
            to=f"to{i}@example.org",
            subject=f"Subject number {i:03d}",
            body=f"Body <b>{i}</b>",
            status=MailStatus.logged,
            created_at=start + timedelta(seconds=i),
        )
        for i in range(n)
    ]
    _db.session.add_all(messages)
    _db.session.commit()
    return messages


def test_outbox_lists_newest_first_with_status(client, db, login_as, post):
    login_as("admin")
    make_user("applicant", email="mail@example.org")
    db.session.commit()
    post("/auth/reset", {"email": "mail@example.org"})  # without MAIL_SERVER the message is logged
    _messages(2)
    text = client.get("/admin/outbox").get_data(as_text=True)
    assert (
        text.index("Reset your password")
        < text.index("Subject number 001")
        < text.index("Subject number 000")
    )
    assert "Logged" in text


def test_outbox_is_paged(client, db, login_as):
    login_as("admin")
    _messages(55)
    first = client.get("/admin/outbox").get_data(as_text=True)
    assert "Subject number 054" in first and "Subject number 004" not in first
    second = client.get("/admin/outbox?page=2").get_data(as_text=True)
    assert "Subject number 004" in second and "Subject number 054" not in second
    assert client.get("/admin/outbox?page=9").status_code == 404


def test_outbox_message_shows_its_body_escaped(client, db, login_as):
    login_as("admin")
    message = _messages(1)[0]
    text = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Body &lt;b&gt;0&lt;/b&gt;" in text and "to0@example.org" in text
    assert client.get("/admin/outbox/999999").status_code == 404


def test_admin_lists_run_a_constant_number_of_queries(app, client, db, login_as):
    login_as("admin")
    make_user("applicant", organisation=make_org())
    _messages(1)

    def queries(url: str) -> int:
        client.get(url)  # warm up
        with count_queries(db.engine) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    few = {url: queries(url) for url in ("/admin/users", "/admin/organisations", "/admin/outbox")}
    for n in range(6):
        make_user("applicant", organisation=make_org())
    _messages(6)
    many = {url: queries(url) for url in few}
    assert many == few
