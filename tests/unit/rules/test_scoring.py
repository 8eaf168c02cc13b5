from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.rules.scoring import (
    Criterion,
    FinalScore,
    Grid,
    Section,
    default_discrepancy_threshold,
    display,
    evaluation_total,
    failed_thresholds,
    final_scores,
    passes,
    section_scores,
)


def _section(code, threshold, *weights):
    return Section(code, threshold, [Criterion(f"{code}.{i}", w) for i, w in enumerate(weights, 1)])


GRID = Grid(
    sections=[
        _section("1", D(12), 1, 1, 1, 1),
        _section("2", D(15), 2, 2, 1),
        _section("3", None, 1, 2, 2),
        _section("4", None, 2, 1),
        _section("5", None, 2, 1),
    ],
    pass_threshold=D(50),
    tie_break_section="2",
)
CRITERIA = [c for s in GRID.sections for c in s.criteria]
THRESHOLD = D(20)


def uniform(score):
    return {c.code: score for c in CRITERIA}


def for_total(total):
    """Scores whose weighted total is `total` (20..100), raising weight-2 criteria first."""
    scores, left = {c.code: 1 for c in CRITERIA}, total - 20
    for c in sorted(CRITERIA, key=lambda c: -c.weight):
        step = min(4, left // c.weight)
        scores[c.code] += step
        left -= step * c.weight
    assert left == 0
    return scores


def test_default_grid_bounds():
    assert GRID.max_total == 100 and GRID.min_total == 20
    assert [s.max_score for s in GRID.sections] == [20, 25, 25, 15, 15]
    assert default_discrepancy_threshold(GRID) == 20


def test_section_score_is_sum_of_score_times_weight():
    scores = uniform(3) | {"2.1": 5, "1.1": 1}
    assert section_scores(GRID, scores) == {"1": 10, "2": 19, "3": 15, "4": 9, "5": 9}
    assert evaluation_total(GRID, scores) == 62


@pytest.mark.parametrize("bad", [0, 6, 2.5, True, "3"])
def test_a_score_must_be_a_whole_number_1_to_5(bad):
    with pytest.raises(ValueError, match="criterion 3.2"):
        section_scores(GRID, uniform(3) | {"3.2": bad})


def test_every_criterion_must_be_scored():
    scores = uniform(3)
    del scores["4.2"]
    with pytest.raises(ValueError, match="criterion 4.2 has no score"):
        section_scores(GRID, scores)


def test_unknown_criterion_is_refused():
    with pytest.raises(ValueError, match="criterion 9.9"):
        section_scores(GRID, uniform(3) | {"9.9": 3})


def test_close_totals_give_the_mean_of_all():
    final = final_scores(GRID, [for_total(70), for_total(75)], THRESHOLD)
    assert not final.needs_extra_evaluator
    assert final.total == D("72.5") and final.used == (0, 1)


def test_spread_equal_to_threshold_does_not_exceed_it():
    assert final_scores(GRID, [for_total(60), for_total(80)], THRESHOLD).total == 70


def test_spread_above_threshold_needs_an_extra_evaluator():
    final = final_scores(GRID, [for_total(60), for_total(81)], THRESHOLD)
    assert final.needs_extra_evaluator and final.total is None and final.totals == (60, 81)
    with pytest.raises(ValueError):
        passes(GRID, final)


def test_with_the_extra_evaluation_the_two_closest_totals_count():
    evaluations = [for_total(94), for_total(68), for_total(80)]  # gaps 12 (68-80) and 14 (80-94)
    final = final_scores(GRID, evaluations, THRESHOLD, extra_evaluator=True)
    assert final.total == 74 and final.used == (1, 2)


def test_the_closest_pair_may_be_the_upper_one():
    final = final_scores(
        GRID, [for_total(100), for_total(65), for_total(94)], THRESHOLD, extra_evaluator=True
    )
    assert final.total == 97 and final.used == (0, 2)


def test_equally_close_pairs_give_the_mean_of_all_three():
    final = final_scores(
        GRID, [for_total(60), for_total(85), for_total(72)], THRESHOLD, extra_evaluator=False
    )
    assert final.needs_extra_evaluator
    final = final_scores(
        GRID, [for_total(60), for_total(84), for_total(72)], THRESHOLD, extra_evaluator=True
    )  # gaps 12 and 12: neither 66 nor 78
    assert final.used == (0, 1, 2) and final.total == 72


def test_means_are_kept_unrounded():
    final = final_scores(GRID, [for_total(60), for_total(61), for_total(61)], THRESHOLD)
    assert final.total == D(182) / 3
    assert final.total != display(final.total)
    assert str(display(final.total)) == "60.67"


def test_extra_evaluator_flag_needs_three_evaluations():
    with pytest.raises(ValueError):
        final_scores(GRID, [for_total(60), for_total(90)], THRESHOLD, extra_evaluator=True)


def test_section_finals_are_means_over_the_same_evaluations():
    low, mid, high = uniform(1), uniform(4), uniform(5)  # totals 20, 80, 100
    final = final_scores(GRID, [low, mid, high], THRESHOLD, extra_evaluator=True)
    assert final.used == (1, 2)
    assert final.sections == {
        "1": 18,
        "2": D("22.5"),
        "3": D("22.5"),
        "4": D("13.5"),
        "5": D("13.5"),
    }


def test_display_rounds_half_up():
    assert str(display(D("66.665"))) == "66.67"
    assert str(display(D(65))) == "65.00"


def test_pass_at_exactly_the_thresholds():
    scores = uniform(3) | {"2.1": 3, "2.2": 3, "2.3": 3}  # section 1: 12, section 2: 15
    final = final_scores(GRID, [scores, scores], THRESHOLD)
    assert final.sections["1"] == 12 and final.sections["2"] == 15
    assert passes(GRID, final)


def test_total_below_pass_threshold_fails():
    scores = uniform(3) | {"5.1": 1, "5.2": 1, "4.1": 1, "4.2": 2}  # s1 12, s2 15, total 49
    final = final_scores(GRID, [scores, scores], THRESHOLD)
    assert final.total == 49
    assert failed_thresholds(GRID, final) == ["total"] and not passes(GRID, final)


def test_a_section_below_its_threshold_fails_despite_a_high_total():
    scores = uniform(5) | {"1.1": 2, "1.2": 2, "1.3": 2, "1.4": 5}  # section 1: 11, total 91
    final = final_scores(GRID, [scores, scores], THRESHOLD)
    assert final.total == 91
    assert failed_thresholds(GRID, final) == ["1"] and not passes(GRID, final)


def test_a_recorded_total_without_sections_is_judged_on_its_total():
    """A bundle may record a stage's final total without its evaluations (no section finals)."""
    assert failed_thresholds(GRID, FinalScore((), D(49))) == ["total"]
    assert passes(GRID, FinalScore((), D(50)))


evaluation = st.fixed_dictionaries({c.code: st.integers(1, 5) for c in CRITERIA})


@settings(max_examples=200)
@given(st.lists(evaluation, min_size=2, max_size=3), st.integers(0, 80))
def test_final_score_stays_within_the_grid_bounds(evaluations, threshold):
    extra = len(evaluations) == 3
    final = final_scores(GRID, evaluations, D(threshold), extra_evaluator=extra)
    if final.needs_extra_evaluator:
        assert not extra and max(final.totals) - min(final.totals) > threshold
        return
    assert GRID.min_total <= final.total <= GRID.max_total
    assert min(final.totals) <= final.total <= max(final.totals)
    assert abs(sum(final.sections.values()) - final.total) < D("1e-20")  # thirds: 28 digits
    for section in GRID.sections:
        assert section.min_score <= final.sections[section.code] <= section.max_score


@settings(max_examples=200)
@given(st.lists(evaluation, min_size=3, max_size=3))
def test_the_two_closest_of_three_totals_give_the_final(evaluations):
    final = final_scores(GRID, evaluations, D(0), extra_evaluator=True)
    a, b, c = sorted(final.totals)
    low_gap, high_gap = b - a, c - b
    if low_gap == high_gap:
        assert final.total == (a + b + c) / 3 and len(final.used) == 3
    else:
        pair = (a, b) if low_gap < high_gap else (b, c)
        assert final.total == sum(pair) / 2 and len(final.used) == 2
        assert sorted(final.totals[i] for i in final.used) == list(pair)
        # no other pair of the three is closer than the one used
        used = [final.totals[i] for i in final.used]
        assert abs(used[0] - used[1]) < max(low_gap, high_gap)
