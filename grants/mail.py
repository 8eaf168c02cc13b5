"""E-mail: every message is kept in the outbox and delivered by a background job; one about an
application is also written to its message log (the caller names it: `about=application.id`)."""

from __future__ import annotations

import logging
import mimetypes
import secrets
import smtplib
from email.message import EmailMessage
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from grants import clock, files
from grants.extensions import db
from grants.jobs import RESEND_AFTER, defer, register_resender
from grants.models import MailStatus, MessageLog, OutboxMessage, User
from grants.models.base import now_utc

log = logging.getLogger(__name__)


def send(
    to: str,
    subject: str,
    template: str,
    locale: str | None = None,
    attachment: tuple[str, bytes] | None = None,
    about: int | None = None,
    **context,
) -> OutboxMessage:
    """Render a text template in the recipient's language and queue it for delivery after commit.

    `attachment` (file name, content) is kept in the uploads space (grants/files.py) under outbox/
    and sent with the message.
    `about`: the id of the application the message is about, for its message log.
    """
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        body = render_template(template, **context)
        subject = str(subject)
    message = OutboxMessage(to=to, subject=subject, body=body)
    if attachment is not None:
        message.attachment_name, message.attachment_path = attachment[0], _store(attachment[1])
    db.session.add(message)
    db.session.flush()
    if about is not None:
        _log(about, message, template, locale)
    defer(deliver, message.id, job_id=mail_job_id(message.id))
    return message


def _log(application_id: int, message: OutboxMessage, template: str, locale: str) -> None:
    """The application's message log: what was sent, to whom (the user, if the address is one's),
    when, in which language; the kind is the template's name (email/draft_reminder.txt:
    draft_reminder)."""
    recipient_id = db.session.scalar(select(User.id).where(User.email == message.to))
    db.session.add(
        MessageLog(
            application_id=application_id,
            outbox_message_id=message.id,
            kind=Path(template).stem,
            subject=message.subject,
            recipient=message.to,
            recipient_id=recipient_id,
            locale=locale,
            sent_at=clock.now(),
        )
    )


def mail_job_id(message_id: int) -> str:
    return f"mail-{message_id}"


@register_resender
def resend_queued_mail() -> int:
    """Queue again the e-mails still waiting (for half a minute or more) that rq does not have."""
    from grants.jobs import enqueue, queued

    waiting = db.session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.status == MailStatus.queued,
            OutboxMessage.created_at < now_utc() - RESEND_AFTER,
        )
    ).all()
    missing = [mid for mid in waiting if not queued(mail_job_id(mid))]
    for message_id in missing:
        enqueue(deliver, message_id, job_id=mail_job_id(message_id))
    return len(missing)


def deliver(message_id: int) -> None:
    """rq task: send one outbox message over SMTP, or log it when no MAIL_SERVER is configured."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status is MailStatus.sent:
        return
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        log.info("E-mail (no MAIL_SERVER) to %s: %s\n%s", message.to, message.subject, message.body)
        message.status = MailStatus.logged
    else:
        email = EmailMessage()
        email["From"] = cfg["MAIL_SENDER"]
        email["To"] = message.to
        email["Subject"] = message.subject
        email.set_content(message.body)
        try:
            if message.attachment_path:
                _attach(email, message)
            with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
                if cfg.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if cfg.get("MAIL_USERNAME"):
                    smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as exc:
            message.status = MailStatus.failed
            message.error = str(exc)
            db.session.commit()
            raise
        message.status = MailStatus.sent
    message.sent_at = now_utc()
    db.session.commit()


def _store(content: bytes) -> str:
    """Keep an attachment under a random name; its key in the uploads space."""
    key = f"outbox/{secrets.token_hex(16)}"
    files.uploads().put(key, content)
    return key


def attachment_bytes(message: OutboxMessage) -> bytes:
    return files.uploads().get(message.attachment_path)


def _attach(email: EmailMessage, message: OutboxMessage) -> None:
    kind = mimetypes.guess_type(message.attachment_name)[0] or "application/octet-stream"
    maintype, subtype = kind.split("/", 1)
    email.add_attachment(
        attachment_bytes(message),
        maintype=maintype,
        subtype=subtype,
        filename=message.attachment_name,
    )
