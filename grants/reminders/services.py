"""One scan: find the subjects, work out the reminders due (grants.rules.reminders), claim each key
in the sent-reminders table and e-mail the claimed ones in the recipient's language."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from grants import clock, mail
from grants.extensions import db
from grants.models import ReminderOptOut, SentReminder, User
from grants.reminders.kinds import FINDERS, MAILINGS, Found
from grants.rules import reminders as rules


def claim(reminder: rules.Reminder, now: datetime) -> bool:
    """Insert the reminder's key, or skip it: False if it was sent already (by this runner or
    another one at the same time; the UNIQUE key decides)."""
    try:
        with db.session.begin_nested():
            db.session.add(
                SentReminder(
                    key=reminder.key,
                    kind=reminder.kind,
                    subject_id=reminder.subject_id,
                    user_id=reminder.user_id,
                    sent_at=now,
                )
            )
    except IntegrityError:
        return False
    return True


def turned_off(user_ids: set[int]) -> dict[int, frozenset[str]]:
    rows = db.session.execute(
        select(ReminderOptOut.user_id, ReminderOptOut.kind).where(
            ReminderOptOut.user_id.in_(user_ids)
        )
    ).all()
    choices: dict[int, set[str]] = {}
    for user_id, kind in rows:
        choices.setdefault(user_id, set()).add(kind)
    return {user_id: frozenset(kinds) for user_id, kinds in choices.items()}


def scan(now: datetime | None = None) -> int:
    """Send the reminders due now that were not sent before; how many were sent. The caller
    commits (jobs.commit, which then delivers the e-mails)."""
    now = now or clock.now()
    found = {(f.family, f.subject_id): f for find in FINDERS.values() for f in find(now)}
    user_ids = {user_id for f in found.values() for user_id in f.user_ids}
    off = turned_off(user_ids)
    subjects = {family: [] for family, _ in found}
    for (family, _), f in found.items():
        recipients = tuple(rules.Recipient(u, off.get(u, frozenset())) for u in f.user_ids)
        subjects[family].append(rules.Subject(f.subject_id, f.deadline, f.timings, recipients))
    due = [r for family in subjects for r in rules.due(now, subjects[family])]
    already = set(
        db.session.scalars(
            select(SentReminder.key).where(SentReminder.key.in_([r.key for r in due]))
        )
    )
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    sent = 0
    for reminder in due:
        if reminder.key in already or not claim(reminder, now):
            continue
        family = rules.KINDS[reminder.kind].family
        _send(reminder, found[(family, reminder.subject_id)], users[reminder.user_id])
        sent += 1
    return sent


def _send(reminder: rules.Reminder, found: Found, user: User) -> None:
    mailing = MAILINGS[reminder.kind]
    mail.send(
        user.email,
        mailing.subject(found.context),
        mailing.template,
        locale=user.locale or current_app.config["BABEL_DEFAULT_LOCALE"],
        about=found.application_id,
        user=user,
        kind=reminder.kind,
        **found.context,
    )
