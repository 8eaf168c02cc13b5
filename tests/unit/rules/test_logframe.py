"""The logical framework's gaps (grants.rules.logframe) and the submission blockers they make when
the call requires a logical framework (grants.rules.submission)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from grants.rules.budget import BudgetLimits, BudgetLine
from grants.rules.eligibility import EligibilityRules, Party
from grants.rules.logframe import IndicatorFacts, ResultFacts, is_complete, logframe_gaps
from grants.rules.submission import SubmissionFacts, check_submission

COMPLETE = IndicatorFacts("Joint events held", "events", Decimal("0"), Decimal("4"))
RESULT = ResultFacts("Twinning ties set up", (COMPLETE,))


def test_a_result_with_a_complete_indicator_is_complete():
    assert logframe_gaps([RESULT]) == [] and is_complete([RESULT])


def test_no_result_is_a_gap_on_the_first_result():
    (issue,) = logframe_gaps([])
    assert issue.field == "results-0-text" and "at least one expected result" in issue.message
    assert not is_complete([])


def test_a_result_without_indicator_is_named_by_its_number():
    (issue,) = logframe_gaps([RESULT, ResultFacts("Staff trained")])
    assert issue.field == "results-1-indicators-0-description"
    assert str(issue) == "Result 2 has no indicator: add at least one."


@pytest.mark.parametrize("part", ["unit", "baseline", "target"])
def test_each_part_of_an_indicator_is_required(part):
    blank = "" if part == "unit" else None
    result = ResultFacts("Ties", (COMPLETE, replace(COMPLETE, **{part: blank})))
    (issue,) = logframe_gaps([result])
    assert issue.field == f"results-0-indicators-1-{part}"
    assert str(issue) == f"Indicator 2 of result 1 has no {part}."


def test_a_unit_of_spaces_is_missing_and_zero_is_a_value():
    result = ResultFacts("Ties", (IndicatorFacts("x", "  ", Decimal("0"), Decimal("0")),))
    assert [i.field for i in logframe_gaps([result])] == ["results-0-indicators-0-unit"]


def test_every_gap_is_listed_in_page_order():
    empty = IndicatorFacts("x", "", None, None)
    fields = [i.field for i in logframe_gaps([ResultFacts("a", (empty,)), ResultFacts("b")])]
    assert fields == [
        "results-0-indicators-0-unit",
        "results-0-indicators-0-baseline",
        "results-0-indicators-0-target",
        "results-1-indicators-0-description",
    ]


OPENS = datetime(2026, 1, 1, tzinfo=UTC)
FACTS = SubmissionFacts(
    stage="full_application",
    call_published=True,
    opens_at=OPENS,
    deadline=OPENS + timedelta(days=60),
    has_lots=False,
    lot_chosen=False,
    fields={},
    lead=Party("1", "municipality", "TR"),
    partners=[],
    has_declaration=True,
    rules=EligibilityRules({"TR"}, {"municipality"}, {"TR"}, {"municipality"}, partners_min=0),
    limits=BudgetLimits(
        Decimal("0"), Decimal("1000"), Decimal("0"), Decimal("1"), Decimal("1"), Decimal("1"), 1, 24
    ),
    lines=[BudgetLine(1, Decimal("1"), Decimal("100"), "1")],
    indirect=Decimal("0"),
    contingency=Decimal("0"),
    requested_grant=Decimal("50"),
    other_applications=0,
)


def _logframe_blockers(facts: SubmissionFacts) -> list:
    return [b for b in check_submission(facts, OPENS + timedelta(days=1)) if b.fix == "logframe"]


def test_a_call_that_requires_it_blocks_submission_without_a_logical_framework():
    (blocker,) = _logframe_blockers(replace(FACTS, logframe_required=True))
    assert (blocker.code, blocker.anchor) == ("logframe_text", "results-0-text")


def test_a_call_that_requires_it_blocks_an_incomplete_indicator():
    facts = replace(
        FACTS,
        logframe_required=True,
        results=(ResultFacts("a", (replace(COMPLETE, target=None),)),),
    )
    (blocker,) = _logframe_blockers(facts)
    assert blocker.code == "logframe_target" and blocker.params == {"result": 1, "indicator": 1}
    assert str(blocker) == "Indicator 1 of result 1 has no target."


def test_a_complete_logical_framework_passes():
    assert _logframe_blockers(replace(FACTS, logframe_required=True, results=(RESULT,))) == []


def test_a_call_that_does_not_require_it_ignores_the_logical_framework():
    assert _logframe_blockers(FACTS) == []
    incomplete = (ResultFacts("a"),)
    assert _logframe_blockers(replace(FACTS, results=incomplete)) == []
