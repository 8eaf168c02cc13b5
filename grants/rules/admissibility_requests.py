"""The rules of admissibility clarifications (domain.md 4), over plain values: no Flask, no session.

During the administrative check staff may ask the lead applicant for a missing or defective
document with a deadline: by default the call's `document_request_days` after today, on the call's
local calendar, the deadline being the end (23:59) of that local day. The lead uploads the document
until the deadline; after it the request has lapsed. The check decides only when no request is open
(each answered or lapsed). As in PRAG 6 (clarification of administrative documents), the answer is
a document, never a change to the substance of the proposal.

Staff may override an automatic check with a written reason.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .problems import N_, Issue, Moment, Refused
from .transitions import InvalidTransition

MESSAGE_LIMIT = 2000
DOCUMENT_LIMIT = 200
REASON_LIMIT = 2000
DAYS_LIMIT = 90  # the longest a call may give for a requested document
END_OF_DAY = time(23, 59)


class RequestRefused(Refused):
    """A document request that cannot be made or answered."""


class OverrideRefused(Refused):
    """An override of an automatic check that cannot be recorded."""


class RequestState(enum.Enum):
    open = "open"
    answered = "answered"
    lapsed = "lapsed"


# a request is answered or lapses once, and stays so
REQUEST_TRANSITIONS = {
    RequestState.open: frozenset({RequestState.answered, RequestState.lapsed}),
    RequestState.answered: frozenset(),
    RequestState.lapsed: frozenset(),
}


def check_request_transition(old: str, new: str) -> None:
    """Raise InvalidTransition unless a document request may move from `old` to `new`."""
    if RequestState(new) not in REQUEST_TRANSITIONS[RequestState(old)]:
        raise InvalidTransition("document request", old, new)


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def default_due_date(now: datetime, days: int, zone: str) -> date:
    """Today in the call's zone, plus the call's number of days."""
    return local_today(now, zone) + timedelta(days=days)


def due_at(day: date, zone: str) -> datetime:
    """The end (23:59) of `day` in the call's zone, in UTC: the moment a request lapses after."""
    return datetime.combine(day, END_OF_DAY, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def state_of(status: str, due: datetime, now: datetime) -> RequestState:
    """A stored request as it stands now: an open one whose deadline has passed has lapsed."""
    stored = RequestState(status)
    if stored is RequestState.open and now > due:
        return RequestState.lapsed
    return stored


def check_days(days: int | None) -> list[Issue]:
    """The call setting: whole days from 1 to DAYS_LIMIT."""
    if days is not None and not 1 <= days <= DAYS_LIMIT:
        return [
            Issue(
                "document_request_days",
                N_("Enter a whole number of days from 1 to %(max)s."),
                {"max": DAYS_LIMIT},
            )
        ]
    return []


def check_request(
    now: datetime, day: date | None, zone: str, document: str, other: str, message: str
) -> list[Issue]:
    """A request names its document (another one in words), says what is wrong or missing, and
    gives the lead at least until the end of tomorrow (the call's local calendar)."""
    issues = []
    if document == "other" and not other.strip():
        issues.append(Issue("other", N_("Say which document you ask for.")))
    elif len(other) > DOCUMENT_LIMIT:
        issues.append(
            Issue(
                "other",
                N_("The document's name must be %(max)s characters or fewer."),
                {"max": DOCUMENT_LIMIT},
            )
        )
    if not message.strip():
        issues.append(
            Issue("message", N_("Say what is missing or defective and what the lead must send."))
        )
    elif len(message) > MESSAGE_LIMIT:
        issues.append(
            Issue(
                "message",
                N_("The message must be %(max)s characters or fewer."),
                {"max": MESSAGE_LIMIT},
            )
        )
    today = local_today(now, zone)
    if day is None:
        issues.append(Issue("due_date", N_("Enter the deadline as a date.")))
    elif day <= today:
        issues.append(
            Issue(
                "due_date",
                N_("The deadline must be after today (%(today)s in %(zone)s)."),
                {"today": today.isoformat(), "zone": zone},
            )
        )
    return issues


def check_answer(state: RequestState, due: datetime, zone: str) -> list[Issue]:
    """The lead answers an open request once, before its deadline."""
    if state is RequestState.answered:
        return [Issue("file", N_("This request has already been answered."))]
    if state is RequestState.lapsed:
        return [
            Issue(
                "file",
                N_(
                    "The deadline for this document was %(due)s: it can no longer be uploaded. "
                    "The check will be decided without it."
                ),
                {"due": Moment(due, zone)},
            )
        ]
    return []


def check_decidable(open_dues: list[datetime], zone: str) -> list[Issue]:
    """The check decides only when no document request is open: each answered, or its deadline
    passed. `open_dues`: the deadlines of the requests still open."""
    if not open_dues:
        return []
    return [
        Issue(
            "decision",
            N_(
                "A document request to the lead is open until %(due)s: the check can be decided "
                "once the lead has answered it or its deadline has passed."
            ),
            {"due": Moment(max(open_dues), zone)},
        )
    ]


def check_override(reason: str, computed_met: bool, met: bool, overridden: bool) -> list[Issue]:
    """An override gives a written reason and changes the check's result: a check set to the
    result its automatic computation gives is a change only when it removes an override."""
    if not reason.strip():
        return [Issue("reason", N_("Enter the reason for overriding the automatic check."))]
    if len(reason) > REASON_LIMIT:
        return [
            Issue(
                "reason",
                N_("The reason must be %(max)s characters or fewer."),
                {"max": REASON_LIMIT},
            )
        ]
    if computed_met is met and not overridden:
        return [
            Issue(
                "outcome",
                N_("The automatic check already gives this result: there is nothing to override."),
            )
        ]
    return []
