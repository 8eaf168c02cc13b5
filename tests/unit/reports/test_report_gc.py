"""The evaluation report lays out with Python's cyclic garbage collector paused
(reports.evaluation_report.without_cyclic_gc): paused inside, as it was afterwards, even on an
error."""

import gc

import pytest

from reports.evaluation_report import without_cyclic_gc


@pytest.fixture
def gc_state():
    before = gc.isenabled()
    yield
    (gc.enable if before else gc.disable)()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_inside_and_as_it_was_after(gc_state, enabled):
    (gc.enable if enabled else gc.disable)()
    with without_cyclic_gc():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled


def test_an_error_inside_restores_the_collector(gc_state):
    gc.enable()
    with pytest.raises(RuntimeError), without_cyclic_gc():
        raise RuntimeError("layout failed")
    assert gc.isenabled()
