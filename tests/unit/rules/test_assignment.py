"""The balanced assignment rule (docs/domain.md 4)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.rules.assignment import App, Ev, Understaffed, assign

ORGS = st.integers(min_value=1, max_value=6)


@st.composite
def cases(draw, with_conflicts: bool = True, with_orgs: bool = True):
    n_ev = draw(st.integers(min_value=1, max_value=8))
    evaluators = [Ev(i, draw(st.none() | ORGS) if with_orgs else None) for i in range(1, n_ev + 1)]
    n_app = draw(st.integers(min_value=0, max_value=12))
    apps = [
        App(
            100 + i,
            frozenset(draw(st.sets(ORGS, min_size=1, max_size=3)))
            if with_orgs
            else frozenset({99}),
        )
        for i in range(n_app)
    ]
    pairs = [(a.id, e.id) for a in apps for e in evaluators]
    conflicts = draw(st.sets(st.sampled_from(pairs))) if with_conflicts and pairs else set()
    per = draw(st.integers(min_value=1, max_value=3))
    return apps, evaluators, per, conflicts


def _run(apps, evaluators, per, **kw):
    try:
        return assign(apps, evaluators, per, **kw), {}
    except Understaffed as error:
        return error.assigned, error.missing


@given(cases())
def test_never_conflicted_own_organisation_or_duplicate(case):
    apps, evaluators, per, conflicts = case
    result, missing = _run(apps, evaluators, per, conflicts=conflicts)
    orgs = {e.id: e.organisation for e in evaluators}
    for app in apps:
        chosen = result[app.id]
        assert len(chosen) == len(set(chosen))
        assert len(chosen) <= per
        for ev in chosen:
            assert (app.id, ev) not in conflicts
            assert orgs[ev] not in app.organisations
        eligible = [
            e
            for e in evaluators
            if (app.id, e.id) not in conflicts and e.organisation not in app.organisations
        ]
        if len(eligible) >= per:
            assert len(chosen) == per and app.id not in missing
        else:
            assert missing[app.id] == per - len(chosen)


@given(cases(with_conflicts=False, with_orgs=False))
def test_counts_differ_by_at_most_one_without_conflicts(case):
    apps, evaluators, per, _ = case
    result, missing = _run(apps, evaluators, per)
    assert (not missing) == (per <= len(evaluators) or not apps)
    counts = Counter(ev for chosen in result.values() for ev in chosen)
    totals = [counts[e.id] for e in evaluators]
    assert max(totals) - min(totals) <= 1


@given(cases(with_conflicts=False, with_orgs=False), st.data())
def test_existing_load_is_balanced_too(case, data):
    apps, evaluators, per, _ = case
    base = data.draw(st.integers(min_value=0, max_value=3))
    load = {e.id: base + data.draw(st.integers(min_value=0, max_value=1)) for e in evaluators}
    result, _ = _run(apps, evaluators, per, load=load)
    counts = Counter(ev for chosen in result.values() for ev in chosen)
    totals = [load[e.id] + counts[e.id] for e in evaluators]
    assert max(totals) - min(totals) <= 1


def test_existing_assignments_count_and_are_not_repeated():
    apps = [App(1, frozenset({9}))]
    evaluators = [Ev(1, None), Ev(2, None), Ev(3, None)]
    assert assign(apps, evaluators, 2, existing={1: {1}}, load={1: 1}) == {1: [2]}
    assert assign(apps, evaluators, 2, existing={1: {1, 2}}) == {1: []}


def test_own_organisation_and_conflict_excluded_and_understaffed_listed():
    apps = [App(1, frozenset({5, 6})), App(2, frozenset({7}))]
    evaluators = [Ev(1, 5), Ev(2, 6), Ev(3, None)]
    with pytest.raises(Understaffed) as error:
        assign(apps, evaluators, 2, conflicts={(2, 3)})
    assert error.value.missing == {1: 1}
    assert error.value.assigned == {1: [3], 2: [1, 2]}


def test_scarce_application_is_served_first():
    # application 2 can only use evaluator 1; serving it first leaves evaluator 2 to application 1
    apps = [App(1, frozenset({9})), App(2, frozenset({6}))]
    evaluators = [Ev(1, None), Ev(2, 6)]
    assert assign(apps, evaluators, 1) == {2: [1], 1: [2]}
