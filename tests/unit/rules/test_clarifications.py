"""The clarification windows and corrigendum rules (domain.md 2), on a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from grants.rules.clarifications import (
    QUESTION_LIMIT,
    answers_due,
    check_answer,
    check_corrigendum,
    check_question,
    check_windows,
    days_before,
    first_deadline,
    questions_close,
)

DEADLINE = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
ZONE = "Europe/Istanbul"
SECOND = timedelta(seconds=1)


def fields(issues) -> list[str]:
    return [issue.field for issue in issues]


def test_the_windows_close_21_and_11_days_before_the_first_deadline():
    assert questions_close(DEADLINE, 21, ZONE) == datetime(2027, 2, 8, 12, 0, tzinfo=UTC)
    assert answers_due(DEADLINE, 11, ZONE) == datetime(2027, 2, 18, 12, 0, tzinfo=UTC)


def test_a_restricted_call_counts_from_its_concept_note_deadline():
    note = DEADLINE - timedelta(days=40)
    assert first_deadline(note, DEADLINE) == note
    assert first_deadline(None, DEADLINE) == DEADLINE


def test_days_are_calendar_days_of_the_calls_zone_across_a_clock_change():
    # 12:00 in Berlin on 10 April 2027 (summer time, UTC+2); 21 days earlier is 12:00 on 20 March
    # (winter, UTC+1)
    deadline = datetime(2027, 4, 10, 10, 0, tzinfo=UTC)
    assert days_before(deadline, 21, "Europe/Berlin") == datetime(2027, 3, 20, 11, 0, tzinfo=UTC)


def test_a_question_is_accepted_until_the_window_closes_exclusive():
    closes = questions_close(DEADLINE, 21, ZONE)
    assert check_question(True, closes - SECOND, closes, ZONE, "May a university lead?") == []
    refused = check_question(True, closes, closes, ZONE, "May a university lead?")
    assert fields(refused) == ["text"] and "closed" in refused[0].message


def test_a_question_needs_a_published_call_and_some_text_within_the_limit():
    closes = questions_close(DEADLINE, 21, ZONE)
    early = closes - timedelta(days=5)
    assert check_question(False, early, closes, ZONE, "Why?")[0].field == ""
    assert fields(check_question(True, early, closes, ZONE, "   ")) == ["text"]
    assert fields(check_question(True, early, closes, ZONE, "x" * (QUESTION_LIMIT + 1))) == ["text"]


def test_an_answer_is_published_until_the_answer_window_closes_exclusive():
    due = answers_due(DEADLINE, 11, ZONE)
    assert check_answer(True, due - SECOND, due, ZONE, "Q?", "A.", already_published=False) == []
    assert fields(check_answer(True, due, due, ZONE, "Q?", "A.", already_published=False)) == [
        "answer"
    ]


def test_an_answer_needs_the_published_question_and_the_answer_and_is_published_once():
    due = answers_due(DEADLINE, 11, ZONE)
    now = due - timedelta(days=3)
    assert fields(check_answer(True, now, due, ZONE, " ", " ", already_published=False)) == [
        "public_text",
        "answer",
    ]
    assert check_answer(True, now, due, ZONE, "Q?", "A.", already_published=True)[
        0
    ].message.startswith("This answer is already published")
    assert check_answer(False, now, due, ZONE, "Q?", "A.", already_published=False)[0].field == ""


def test_answers_are_due_after_questions_close():
    assert check_windows(21, 11) == []
    assert fields(check_windows(11, 11)) == ["answer_window_days"]
    assert fields(check_windows(10, 11)) == ["answer_window_days"]
    assert fields(check_windows(21, -1)) == ["answer_window_days"]
    assert fields(check_windows(0, None)) == ["answer_window_days", "question_window_days"]


NOW = DEADLINE - timedelta(days=10)


def test_a_corrigendum_changes_an_open_call_only():
    later = {"deadline": (DEADLINE, DEADLINE + timedelta(days=7))}
    assert check_corrigendum(True, NOW, DEADLINE, ZONE, "More time.", later, False) == []
    assert check_corrigendum(False, NOW, DEADLINE, ZONE, "More time.", later, False)[0].field == ""
    assert (
        check_corrigendum(True, DEADLINE, DEADLINE, ZONE, "More time.", later, False)[0].field == ""
    )


def test_a_corrigendum_says_why_and_changes_something():
    assert fields(check_corrigendum(True, NOW, DEADLINE, ZONE, " ", {}, True)) == ["reason"]
    assert fields(check_corrigendum(True, NOW, DEADLINE, ZONE, "Why", {}, False)) == [""]
    assert check_corrigendum(True, NOW, DEADLINE, ZONE, "A clause was unclear.", {}, True) == []


def test_a_passed_deadline_cannot_move_and_a_same_one_is_no_change():
    note = NOW - SECOND
    moved = {"concept_note_deadline": (note, DEADLINE - timedelta(days=1))}
    assert fields(check_corrigendum(True, NOW, DEADLINE, ZONE, "Why", moved, False)) == [
        "concept_note_deadline"
    ]
    same = {"deadline": (DEADLINE, DEADLINE)}
    assert fields(check_corrigendum(True, NOW, DEADLINE, ZONE, "Why", same, False)) == ["deadline"]
    missing = {"concept_note_deadline": (None, DEADLINE - timedelta(days=1))}
    assert fields(check_corrigendum(True, NOW, DEADLINE, ZONE, "Why", missing, False)) == [
        "concept_note_deadline"
    ]
