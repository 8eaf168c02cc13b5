"""The rules of a call's clarifications and corrigenda (domain.md 2), over plain values: no Flask,
no session.

Questions may be asked until `question_window_days` before the call's first deadline (the
concept-note deadline of a restricted call), answers published until `answer_window_days` before it:
calendar days in the call's time zone, so the window closes at the deadline's hour of the local day.
A corrigendum changes an open call: a deadline that has not passed may move later (never earlier:
publication.check_deadlines_not_earlier, which the call settings service applies), and a document
may be replaced; it always says why.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .problems import N_, Issue, Moment, Refused

QUESTION_LIMIT = 4000
ANSWER_LIMIT = 10000


class ClarificationRefused(Refused):
    """A question that cannot be asked, or an answer that cannot be published."""


class CorrigendumRefused(Refused):
    """A corrigendum that cannot be published."""


class DocumentRefused(Refused):
    """A call document that cannot be uploaded, replaced or removed."""

    field = "file"


def days_before(moment: datetime, days: int, zone: str) -> datetime:
    """`days` calendar days before `moment`, counted on the call's local calendar, in UTC."""
    local = moment.astimezone(ZoneInfo(zone))
    return (local - timedelta(days=days)).astimezone(UTC)


def first_deadline(concept_note_deadline: datetime | None, deadline: datetime) -> datetime:
    return concept_note_deadline or deadline


def questions_close(first: datetime, question_window_days: int, zone: str) -> datetime:
    return days_before(first, question_window_days, zone)


def answers_due(first: datetime, answer_window_days: int, zone: str) -> datetime:
    return days_before(first, answer_window_days, zone)


def check_question(
    published: bool, now: datetime, closes: datetime, zone: str, text: str
) -> list[Issue]:
    """A question may be asked about a published call until the question window closes
    (exclusive)."""
    if not published:
        return [Issue("", N_("Questions can be asked only about a published call."))]
    if now >= closes:
        return [
            Issue(
                "text",
                N_("The period for questions closed on %(closed)s."),
                {"closed": Moment(closes, zone)},
            )
        ]
    if not text.strip():
        return [Issue("text", N_("Enter your question."))]
    if len(text) > QUESTION_LIMIT:
        return [
            Issue(
                "text",
                N_("The question must be %(max)s characters or fewer."),
                {"max": QUESTION_LIMIT},
            )
        ]
    return []


def check_answer(
    published: bool,
    now: datetime,
    due: datetime,
    zone: str,
    question: str,
    answer: str,
    already_published: bool,
) -> list[Issue]:
    """An answer is published, with the question as staff worded it, until the answer window closes;
    a published answer stays as published (it was read: a change would be a new clarification)."""
    if already_published:
        return [Issue("", N_("This answer is already published."))]
    if not published:
        return [Issue("", N_("Answers are published only while the call is published."))]
    if now >= due:
        return [
            Issue(
                "answer",
                N_("Answers could be published until %(due)s; that time has passed."),
                {"due": Moment(due, zone)},
            )
        ]
    issues = []
    if not question.strip():
        issues.append(Issue("public_text", N_("Enter the question as it is to be published.")))
    if not answer.strip():
        issues.append(Issue("answer", N_("Enter the answer.")))
    if len(answer) > ANSWER_LIMIT:
        issues.append(
            Issue(
                "answer",
                N_("The answer must be %(max)s characters or fewer."),
                {"max": ANSWER_LIMIT},
            )
        )
    return issues


def check_windows(question_window_days: int | None, answer_window_days: int | None) -> list[Issue]:
    """Both windows are whole days before the first deadline; answers are due after questions
    close."""
    issues = []
    if answer_window_days is None or answer_window_days < 0:
        issues.append(Issue("answer_window_days", N_("Enter a whole number of days, 0 or more.")))
    if question_window_days is None or question_window_days < 1:
        issues.append(Issue("question_window_days", N_("Enter a whole number of days, 1 or more.")))
    if not issues and question_window_days <= answer_window_days:
        issues.append(
            Issue(
                "answer_window_days",
                N_(
                    "Answers must be due after questions close: fewer days "
                    "before the deadline than for questions (%(days)s)."
                ),
                {"days": question_window_days},
            )
        )
    return issues


def check_corrigendum(
    status_published: bool,
    now: datetime,
    deadline: datetime,
    zone: str,
    reason: str,
    moves: dict[str, tuple[datetime | None, datetime]],
    replaces_document: bool,
) -> list[Issue]:
    """A corrigendum changes a call that is open (published, its last deadline ahead), says why, and
    changes something: a deadline still ahead moved (later: the settings service checks that) or a
    document replaced.

    `moves`: deadline name -> (its current value, the new one)."""
    if not status_published or now >= deadline:
        return [
            Issue(
                "", N_("A corrigendum changes an open call: this call is not open for submissions.")
            )
        ]
    issues = []
    if not reason.strip():
        issues.append(Issue("reason", N_("Enter the reason for the corrigendum.")))
    for name, (current, new) in moves.items():
        if current is None:
            issues.append(Issue(name, N_("This call has no such deadline.")))
        elif current <= now:
            issues.append(
                Issue(
                    name,
                    N_("This deadline has passed (%(was)s); it can no longer move."),
                    {"was": Moment(current, zone)},
                )
            )
        elif new == current:
            issues.append(
                Issue(name, N_("This is the current deadline; leave the field empty to keep it."))
            )
    if not moves and not replaces_document:
        issues.append(
            Issue(
                "",
                N_("A corrigendum changes a deadline or replaces a document: choose at least one."),
            )
        )
    return issues
