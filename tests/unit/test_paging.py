"""The one pager's arithmetic (grants/paging.py): the page numbers linked, the rows of a page."""

from __future__ import annotations

from grants.paging import Pager, page_of_rows


def test_a_pager_links_the_edges_and_the_pages_around_this_one_with_gaps():
    pager = Pager([], page=10, total=1000, per_page=50)
    assert pager.pages == 20
    assert list(pager.iter_pages()) == [1, 2, None, 8, 9, 10, 11, 12, 13, 14, None, 19, 20]
    assert (pager.first, pager.last, pager.has_prev, pager.has_next) == (451, 500, True, True)


def test_the_last_page_is_short_and_has_no_next():
    pager = Pager(["x"], page=3, total=101, per_page=50)
    assert (pager.pages, pager.first, pager.last, pager.has_next) == (3, 101, 101, False)
    assert list(pager.iter_pages()) == [1, 2, 3]


def test_a_page_of_rows_computed_in_python():
    rows = list(range(1, 8))
    assert page_of_rows(rows, 2, per_page=3).items == [4, 5, 6]
    assert page_of_rows(rows, 0, per_page=3).page == 1  # a page below the first is the first
    assert page_of_rows(rows, 9, per_page=3).items == []  # past the last: empty
    assert page_of_rows([], 1).pages == 1
