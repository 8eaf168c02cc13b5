"""The one pager of the pages' tables (templates/macros/pager.html): `Pager`, a page of rows and the
arithmetic of the links under it, for a table read one page at a time (LIMIT and OFFSET) or
(`page_of_rows`) for rows already computed and sorted in Python. Flask-SQLAlchemy's
`db.paginate` gives the same attributes, for a plain query of one entity."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

PER_PAGE = 50


@dataclass(frozen=True)
class Pager:
    """One page of a table's rows, and the arithmetic of the pager under it."""

    items: list
    page: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        return min((self.page - 1) * self.per_page + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self) -> Iterator[int | None]:
        """The page numbers to link: the first two, the last two and those around this one; None for
        a gap."""
        shown = [
            n
            for n in range(1, self.pages + 1)
            if n <= 2 or n > self.pages - 2 or self.page - 2 <= n <= self.page + 4
        ]
        for before, n in zip([0, *shown], shown, strict=False):
            if n - before > 1:
                yield None
            yield n


def page_of_rows(rows: Sequence, page: int, per_page: int = PER_PAGE) -> Pager:
    """Page `page` (1 if lower) of `rows`; a page past the last one is empty."""
    page = max(page, 1)
    start = (page - 1) * per_page
    return Pager(list(rows[start : start + per_page]), page, len(rows), per_page)
