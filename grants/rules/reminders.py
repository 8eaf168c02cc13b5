"""Reminders (docs/domain.md 8): which are due now, to whom, under which key. Pure: no Flask, no db.

A reminder kind belongs to a *family* (what it is about: a draft, an evaluation) and has a timing:
so many days before the family's deadline, or once the deadline has passed (overdue). The caller
gives the clock, the deadlines (one `Subject` per thing a person must act on, with its recipients
and the call's timings) and gets the reminders due, each with an idempotency key
(`draft-first:<stage_id>:<user_id>`): the sent-reminders table holds each key once, so each
reminder goes out once, however many scans run.

Of the "before" reminders of one subject only the one nearest the deadline whose time has come is
due: a scan that first sees a draft 12 hours before its deadline sends the 1-day reminder, not the
7-day one as well. A user may turn off every kind that is not `mandatory`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .problems import N_, Issue

DAYS_LIMIT = 365
SETTINGS = ("draft_reminder_first_days", "draft_reminder_last_days", "evaluation_reminder_days")


@dataclass(frozen=True)
class Kind:
    code: str
    family: str  # what the subject is: "draft", "evaluation", "payment" (later "report")
    audience: str  # who receives it: applicant, evaluator, beneficiary, staff
    label: str  # English, marked with N_: the user's reminder settings show it
    mandatory: bool = False  # legally required: the user cannot turn it off


# The registry of reminder kinds. Reports add theirs here with a finder in grants.reminders.kinds:
# beneficiaries 14 days before a report is due and when it is overdue. Staff when a payment falls
# due: the payment kinds below.
KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind(
            "draft-first",
            "draft",
            "applicant",
            N_("Your draft application: the first reminder before the deadline"),
        ),
        Kind(
            "draft-last",
            "draft",
            "applicant",
            N_("Your draft application: the last reminder before the deadline"),
        ),
        Kind(
            "evaluation-due",
            "evaluation",
            "evaluator",
            N_("An evaluation assigned to you: before it is due"),
        ),
        Kind(
            "evaluation-overdue",
            "evaluation",
            "evaluator",
            N_("An evaluation assigned to you: when it is overdue"),
        ),
        Kind(
            "report-due",
            "report",
            "beneficiary",
            N_("A report on your grant: before it is due"),
        ),
        Kind(
            "report-overdue",
            "report",
            "beneficiary",
            N_("A report on your grant: when it is overdue"),
        ),
        Kind(
            "payment-due",
            "payment",
            "staff",
            N_("A grant payment: when it falls due (before its due date)"),
        ),
        Kind(
            "payment-overdue",
            "payment",
            "staff",
            N_("A grant payment: when it is overdue"),
        ),
    )
}
# a payment's subject: its grant and its place in the schedule (an instalment's period, 0 for the
# balance or recovery), one number as the sent-reminders key holds it
PAYMENT_SLOTS = 1000


def optional_kinds() -> list[Kind]:
    """The kinds a user may turn off, in the registry's order."""
    return [kind for kind in KINDS.values() if not kind.mandatory]


@dataclass(frozen=True)
class Timing:
    kind: str  # a code of KINDS
    days_before: int | None  # None: when the deadline has passed


@dataclass(frozen=True)
class Recipient:
    user_id: int
    turned_off: frozenset[str] = frozenset()  # the kinds the user turned off


@dataclass(frozen=True)
class Subject:
    """One thing with a deadline: a draft stage, an open assignment."""

    subject_id: int
    deadline: datetime
    timings: tuple[Timing, ...]
    recipients: tuple[Recipient, ...] = field(default=())


@dataclass(frozen=True)
class Reminder:
    kind: str
    subject_id: int
    user_id: int

    @property
    def key(self) -> str:
        return key(self.kind, self.subject_id, self.user_id)


def key(kind: str, subject_id: int, user_id: int) -> str:
    return f"{kind}:{subject_id}:{user_id}"


def draft_timings(first_days: int, last_days: int) -> tuple[Timing, ...]:
    return (Timing("draft-first", first_days), Timing("draft-last", last_days))


def evaluation_timings(days: int) -> tuple[Timing, ...]:
    return (Timing("evaluation-due", days), Timing("evaluation-overdue", None))


def report_timings(days: int) -> tuple[Timing, ...]:
    """ "beneficiaries 14 days before a report is due and when it is overdue": `days` is the call's
    setting (GrantTerms.report_reminder_days, 14 by default)."""
    return (Timing("report-due", days), Timing("report-overdue", None))


def payment_timings(days: int) -> tuple[Timing, ...]:
    """ "staff when a payment falls due": `days` before the date it is to be paid by (the call's
    GrantTerms.payment_reminder_days, 7 by default), and once that date has passed."""
    return (Timing("payment-due", days), Timing("payment-overdue", None))


def payment_subject(grant_id: int, period: int | None) -> int:
    """The subject number of a payment due: grant 12's instalment 2 is 12002, its balance
    12000."""
    slot = period or 0
    if not 0 <= slot < PAYMENT_SLOTS:
        raise ValueError(f"no reminder slot for period {period}")
    return grant_id * PAYMENT_SLOTS + slot


def due_timing(now: datetime, subject: Subject) -> Timing | None:
    """The timing whose time has come: overdue once the deadline passed, else the "before" timing
    nearest the deadline whose day count has been reached; None if none."""
    if now >= subject.deadline:
        return next((t for t in subject.timings if t.days_before is None), None)
    opened = [
        t
        for t in subject.timings
        if t.days_before is not None and now >= subject.deadline - timedelta(days=t.days_before)
    ]
    return min(opened, key=lambda t: t.days_before, default=None)


def due(now: datetime, subjects: Iterable[Subject]) -> list[Reminder]:
    """The reminders due now; the caller skips those whose key was already sent."""
    reminders = []
    for subject in subjects:
        timing = due_timing(now, subject)
        if timing is None:
            continue
        mandatory = KINDS[timing.kind].mandatory
        reminders.extend(
            Reminder(timing.kind, subject.subject_id, r.user_id)
            for r in subject.recipients
            if mandatory or timing.kind not in r.turned_off
        )
    return reminders


def check_days(s: dict) -> list[Issue]:
    """A call's reminder days: whole days from 1 to DAYS_LIMIT; the first draft reminder before
    the last one."""
    issues = [
        Issue(name, N_("Enter a whole number of days from 1 to %(max)s."), {"max": DAYS_LIMIT})
        for name in SETTINGS
        if s.get(name) is not None and not 1 <= s[name] <= DAYS_LIMIT
    ]
    first, last = s.get("draft_reminder_first_days"), s.get("draft_reminder_last_days")
    if not issues and first is not None and last is not None and first <= last:
        issues.append(
            Issue(
                "draft_reminder_first_days",
                N_(
                    "The first reminder must come more days before the deadline than the last "
                    "one (%(last)s)."
                ),
                {"last": last},
            )
        )
    return issues
