"""E-mail through a real SMTP server (aiosmtpd on 127.0.0.1): a reset link that arrives and
works."""

import re

from sqlalchemy import select

from grants.models import MailStatus, OutboxMessage
from tests.factories import make_user
from tests.factories.mail import _free_port

LINK = re.compile(r"http://localhost(/auth/password/\S+)")


def test_reset_mail_arrives_and_its_link_sets_the_password(client, db, post, smtp):
    make_user("applicant", email="smtp@example.org", name="Mehmet Öz")
    db.session.commit()
    post("/auth/reset", {"email": "smtp@example.org"})
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "smtp@example.org" and mail["Subject"] == "Reset your password"
    body = mail.get_content()
    assert "Hello Mehmet Öz," in body
    path = LINK.search(body).group(1)
    assert db.session.scalar(select(OutboxMessage)).status is MailStatus.sent
    page = post(path, {"password": "chosen by smtp test", "confirm": "chosen by smtp test"})
    assert page.status_code == 302
    assert (
        post(
            "/auth/login", {"email": "smtp@example.org", "password": "chosen by smtp test"}
        ).status_code
        == 302
    )


def test_outbox_masks_the_link_of_a_delivered_mail(client, db, post, smtp, login_as):
    login_as("admin")
    make_user("applicant", email="masked@example.org")
    db.session.commit()
    post("/auth/reset", {"email": "masked@example.org"})
    path = LINK.search(smtp.messages[0].get_content()).group(1)
    message = db.session.scalar(select(OutboxMessage))
    text = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Sent" in text and "/auth/password/[…]" in text
    assert path not in text


def test_unreachable_mail_server_marks_the_message_failed_without_an_error_page(
    app, client, db, post
):
    make_user("applicant", email="down@example.org")
    db.session.commit()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())  # nothing listens there
    try:
        page = post("/auth/reset", {"email": "down@example.org"})
    finally:
        app.config.update(saved)
    assert page.status_code == 302
    assert db.session.scalar(select(OutboxMessage)).status is MailStatus.failed
