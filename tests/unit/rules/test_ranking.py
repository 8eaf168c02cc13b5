from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.rules.ranking import Candidate, award_walk, rank, rank_by_lot, shortlist, walk_turns

T0 = datetime(2018, 3, 1, 12, 0, tzinfo=UTC)
MAX = D("130000")


def cand(ref, total=70, tie=20, minutes=0, number=None, grant="100", lot=None):
    number = number if number is not None else int(ref.strip("abcdefghijklmnopqrstuvwxyz") or 0)
    return Candidate(
        ref=ref,
        lot=lot,
        final_total=D(total),
        tie_break_score=D(tie),
        submitted_at=T0 + timedelta(minutes=minutes),
        number=number,
        requested_grant=D(grant),
    )


def refs(candidates):
    return [c.ref for c in candidates]


def test_higher_total_ranks_first_whatever_the_tie_breaks():
    a = cand("a1", total="70.5", tie=15, minutes=9, number=9)
    b = cand("b2", total=70, tie=25, minutes=0, number=1)
    assert refs(rank([b, a])) == ["a1", "b2"]


def test_equal_totals_go_to_the_higher_tie_break_section_score():
    a = cand("a1", tie="22.5", minutes=9, number=9)
    b = cand("b2", tie=22, minutes=0, number=1)
    assert refs(rank([b, a])) == ["a1", "b2"]


def test_then_to_the_earlier_submission():
    a = cand("a1", minutes=1, number=9)
    b = cand("b2", minutes=2, number=1)
    assert refs(rank([b, a])) == ["a1", "b2"]


def test_submission_times_compare_as_instants_across_zones():
    istanbul = datetime(2018, 3, 1, 14, 59, tzinfo=ZoneInfo("Europe/Istanbul"))
    a = Candidate("a1", None, D(70), D(20), istanbul, 9, D(1))  # 11:59 UTC
    b = cand("b2", number=1)  # 12:00 UTC
    assert refs(rank([b, a])) == ["a1", "b2"]


def test_then_to_the_lower_reference_number():
    assert refs(rank([cand("b", number=12), cand("a", number=3)])) == ["a", "b"]


def test_rank_refuses_naive_times_and_mixed_lots():
    with pytest.raises(ValueError):
        rank([Candidate("a", None, D(1), D(1), datetime(2018, 1, 1), 1, D(1))])
    with pytest.raises(ValueError):
        rank([cand("a1", lot="A"), cand("b2", lot="B")])
    assert {
        lot: refs(r) for lot, r in rank_by_lot([cand("a1", lot="A"), cand("b2", lot="B")]).items()
    } == {"A": ["a1"], "B": ["b2"]}


def walk(grants, budget, rule, length=None, max_grant=MAX):
    ranked = [cand(f"r{i}", grant=g) for i, g in enumerate(grants, 1)]
    return [
        (o.rank, o.status, o.awarded_amount)
        for o in award_walk(ranked, D(budget), rule, length, D(max_grant))
    ]


def statuses(outcomes):
    return [s for _, s, _ in outcomes]


def test_strict_puts_everything_below_the_first_misfit_on_reserve():
    out = walk([50, 40, 30, 10], 100, "strict")
    assert out == [
        (1, "awarded", D(50)),
        (2, "awarded", D(40)),
        (3, "reserve", None),
        (4, "reserve", None),
    ]


def test_fill_goes_on_to_the_next_that_fits():
    assert statuses(walk([50, 40, 30, 10], 100, "fill")) == [
        "awarded",
        "awarded",
        "reserve",
        "awarded",
    ]


def test_a_request_equal_to_the_remaining_budget_fits():
    assert statuses(walk([60, 40], 100, "strict")) == ["awarded", "awarded"]


def test_reserve_list_is_cut_at_its_length():
    assert statuses(walk([100, 5, 6, 7, 8], 100, "strict", length=2)) == [
        "awarded",
        "reserve",
        "reserve",
        "not_selected",
        "not_selected",
    ]
    assert statuses(walk([50, 60, 70, 10], 100, "fill", length=1)) == [
        "awarded",
        "reserve",
        "not_selected",
        "awarded",
    ]
    assert statuses(walk([100, 5, 6], 100, "strict", length=0)) == [
        "awarded",
        "not_selected",
        "not_selected",
    ]


def test_no_reserve_length_means_unlimited():
    assert statuses(walk([100] + [1] * 30, 100, "strict", length=None)).count("reserve") == 30


def test_a_request_above_the_maximum_grant_is_never_awarded_and_does_not_stop_the_walk():
    assert statuses(walk([50, 140, 30], 1000, "strict", max_grant=130)) == [
        "awarded",
        "not_selected",
        "awarded",
    ]


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        walk([1], 1, "greedy")


def test_shortlist_is_the_shortest_head_reaching_ratio_times_budget():
    ranked = [cand(f"r{i}", grant=g) for i, g in enumerate([100, 80, 60, 50], 1)]
    assert shortlist(ranked, D(100), D("2.0")) == {"r1", "r2", "r3"}
    assert shortlist(ranked, D(100), D("1.8")) == {"r1", "r2"}  # exactly reached
    assert shortlist(ranked, D(100), D("10")) == {"r1", "r2", "r3", "r4"}  # never reached
    assert shortlist([], D(100), D("2")) == set()


money = st.integers(1, 200).map(lambda n: D(n) * 1000)
candidates = st.lists(
    st.builds(
        lambda total, tie, minutes, grant: (total, tie, minutes, grant),
        st.integers(20, 100),
        st.integers(5, 25),
        st.integers(0, 5),
        money,
    ),
    max_size=25,
).map(
    lambda rows: [
        cand(f"r{i}", total=t, tie=tb, minutes=m, number=i, grant=g)
        for i, (t, tb, m, g) in enumerate(rows, 1)
    ]
)


@settings(max_examples=200)
@given(
    candidates,
    st.integers(0, 3000).map(lambda n: D(n) * 1000),
    st.sampled_from(["strict", "fill"]),
    st.none() | st.integers(0, 5),
    money,
    st.randoms(),
)
def test_award_walk_invariants(items, budget, rule, length, max_grant, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    ranked = rank(shuffled)
    assert ranked == rank(items)  # order does not depend on input order
    keys = [(-c.final_total, -c.tie_break_score, c.submitted_at, c.number) for c in ranked]
    assert keys == sorted(keys)
    outcomes = award_walk(ranked, budget, rule, length, max_grant)
    assert [o.rank for o in outcomes] == list(range(1, len(items) + 1))
    assert [o.ref for o in outcomes] == refs(ranked)
    awarded = [o.awarded_amount for o in outcomes if o.status == "awarded"]
    assert sum(awarded, D(0)) <= budget
    assert all(a <= max_grant for a in awarded)
    reserves = [o for o in outcomes if o.status == "reserve"]
    assert length is None or len(reserves) <= length
    remaining, cut = budget, False
    for c, o in zip(ranked, outcomes, strict=True):
        fits = c.requested_grant <= min(remaining, max_grant)
        if o.status == "awarded":
            assert o.awarded_amount == c.requested_grant and not cut
            remaining -= c.requested_grant
        else:
            assert o.awarded_amount is None
            if c.requested_grant <= max_grant:
                assert cut or not fits  # fill and strict award whatever fits before the cut
                cut = cut or rule == "strict"


@settings(max_examples=200)
@given(
    candidates, st.integers(0, 3000).map(lambda n: D(n) * 1000), st.sampled_from(["1", "2.0", "3"])
)
def test_shortlist_is_the_shortest_sufficient_head(items, budget, ratio):
    ranked = rank(items)
    chosen = shortlist(ranked, budget, D(ratio))
    head = ranked[: len(chosen)]
    assert set(refs(head)) == chosen
    total = sum((c.requested_grant for c in head), D(0))
    target = D(ratio) * budget
    assert total >= target or len(chosen) == len(ranked)
    assert not head or total - head[-1].requested_grant < target


def turns(grants, budget, rule, length=None, max_grant=MAX):
    ranked = [cand(f"r{i}", grant=g) for i, g in enumerate(grants, 1)]
    return [
        (t.outcome.status, t.why, t.remaining, t.stop_rank, t.reserve_full)
        for t in walk_turns(ranked, D(budget), rule, length, D(max_grant))
    ]


def test_each_turn_of_a_fill_walk_says_why_with_the_budget_left_then():
    assert turns(["120", "100", "60", "200"], "200", "fill", max_grant="150") == [
        ("awarded", "fits", D("80"), None, False),  # left after it
        ("reserve", "does_not_fit", D("80"), None, False),  # 80 left at its turn: less than 100
        ("awarded", "fits", D("20"), None, False),
        ("not_selected", "above_max", D("20"), None, False),
    ]


def test_a_strict_walk_tells_where_it_stopped_and_when_the_reserve_list_was_full():
    assert turns(["120", "100", "60", "50"], "200", "strict", length=2) == [
        ("awarded", "fits", D("80"), None, False),
        ("reserve", "does_not_fit", D("80"), None, False),
        (
            "reserve",
            "after_stop",
            D("80"),
            2,
            False,
        ),  # it would fit, but the walk stopped at rank 2
        ("not_selected", "after_stop", D("80"), 2, True),
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 200), min_size=1, max_size=12),
    st.integers(0, 600),
    st.sampled_from(["strict", "fill"]),
    st.one_of(st.none(), st.integers(0, 4)),
)
def test_the_turns_are_the_walk_and_each_reason_fits_its_outcome(grants, budget, rule, length):
    ranked = [cand(f"r{i}", grant=g) for i, g in enumerate(grants, 1)]
    found = walk_turns(ranked, D(budget), rule, length, D(150))
    assert [t.outcome for t in found] == award_walk(ranked, D(budget), rule, length, D(150))
    for candidate, turn in zip(ranked, found, strict=True):
        expected = {"fits": "awarded", "above_max": "not_selected"}.get(turn.why)
        if expected:
            assert turn.outcome.status == expected
        else:
            assert turn.outcome.status == ("not_selected" if turn.reserve_full else "reserve")
        if turn.why == "does_not_fit":
            assert turn.remaining < candidate.requested_grant  # the letter's claim is true
