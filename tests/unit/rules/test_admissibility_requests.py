"""Admissibility clarifications (domain.md 4): the deadline of a document request, its states, the
decision refused while one is open, and overrides of automatic checks; on a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from grants.rules.admissibility_requests import (
    DAYS_LIMIT,
    RequestState,
    check_answer,
    check_days,
    check_decidable,
    check_override,
    check_request,
    check_request_transition,
    default_due_date,
    due_at,
    state_of,
)
from grants.rules.call_settings import check_counts
from grants.rules.transitions import InvalidTransition

ZONE = "Europe/Istanbul"  # UTC+3
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)  # 12:00 on 10 January in Istanbul
MINUTE = timedelta(minutes=1)


def fields(issues) -> list[str]:
    return [issue.field for issue in issues]


def test_the_default_deadline_is_the_calls_days_after_today_on_the_calls_calendar():
    assert default_due_date(NOW, 7, ZONE) == date(2027, 1, 17)
    assert default_due_date(NOW, 10, ZONE) == date(2027, 1, 20)
    # 22:30 UTC on 10 January is already 11 January in Istanbul: the local day counts
    late = datetime(2027, 1, 10, 22, 30, tzinfo=UTC)
    assert default_due_date(late, 7, ZONE) == date(2027, 1, 18)
    assert default_due_date(late, 7, "UTC") == date(2027, 1, 17)


def test_a_request_is_due_at_the_end_of_its_local_day():
    assert due_at(date(2027, 1, 17), ZONE) == datetime(2027, 1, 17, 20, 59, tzinfo=UTC)
    assert due_at(date(2027, 7, 17), "Europe/Berlin") == datetime(2027, 7, 17, 21, 59, tzinfo=UTC)


def test_an_open_request_lapses_once_its_deadline_has_passed():
    due = due_at(date(2027, 1, 17), ZONE)
    assert state_of("open", due, due) is RequestState.open
    assert state_of("open", due, due + MINUTE) is RequestState.lapsed
    assert state_of("answered", due, due + MINUTE) is RequestState.answered
    assert state_of("lapsed", due, due - MINUTE) is RequestState.lapsed


def test_a_request_names_its_document_says_what_is_wrong_and_gives_at_least_until_tomorrow():
    ok = check_request(NOW, date(2027, 1, 11), ZONE, "declaration", "", "Not signed.")
    assert ok == []
    assert fields(check_request(NOW, date(2027, 1, 10), ZONE, "declaration", "", "x")) == [
        "due_date"
    ]
    assert fields(check_request(NOW, None, ZONE, "declaration", "", "x")) == ["due_date"]
    assert fields(check_request(NOW, date(2027, 1, 11), ZONE, "other", "  ", "x")) == ["other"]
    assert fields(check_request(NOW, date(2027, 1, 11), ZONE, "declaration", "", " ")) == [
        "message"
    ]
    long = "x" * 2001
    assert fields(check_request(NOW, date(2027, 1, 11), ZONE, "declaration", "", long)) == [
        "message"
    ]


def test_the_lead_answers_only_an_open_request_before_its_deadline():
    due = due_at(date(2027, 1, 17), ZONE)
    assert check_answer(RequestState.open, due, ZONE) == []
    lapsed = check_answer(RequestState.lapsed, due, ZONE)
    assert fields(lapsed) == ["file"] and "no longer be uploaded" in lapsed[0].message
    assert fields(check_answer(RequestState.answered, due, ZONE)) == ["file"]


def test_the_check_is_decided_only_when_no_request_is_open():
    due = due_at(date(2027, 1, 17), ZONE)
    assert check_decidable([], ZONE) == []
    refused = check_decidable([due, due - timedelta(days=2)], ZONE)
    assert fields(refused) == ["decision"]
    assert refused[0].params["due"].value == due  # the last deadline is when it may be decided


def test_an_override_needs_a_written_reason_and_a_change():
    assert check_override("Verified with the registry.", False, True, False) == []
    assert fields(check_override("   ", False, True, False)) == ["reason"]
    assert fields(check_override("x" * 2001, False, True, False)) == ["reason"]
    # setting the computed result changes nothing, unless it removes an override
    assert fields(check_override("Same.", True, True, False)) == ["outcome"]
    assert check_override("Back to computed.", True, True, True) == []
    # a check that passed may be overridden to not met
    assert check_override("The certificate is forged.", True, False, False) == []


def test_the_days_a_call_gives_are_a_call_setting_from_1_to_the_limit():
    assert check_days(7) == [] and check_days(1) == [] and check_days(DAYS_LIMIT) == []
    assert fields(check_days(0)) == ["document_request_days"]
    assert fields(check_days(DAYS_LIMIT + 1)) == ["document_request_days"]
    assert fields(check_counts({"document_request_days": 0})) == ["document_request_days"]
    assert check_counts({"document_request_days": 14}) == []


def test_a_request_is_answered_or_lapses_once_and_stays_so():
    check_request_transition("open", "answered")
    check_request_transition("open", "lapsed")
    for old, new in (("answered", "lapsed"), ("lapsed", "answered"), ("answered", "open")):
        with pytest.raises(InvalidTransition):
            check_request_transition(old, new)
