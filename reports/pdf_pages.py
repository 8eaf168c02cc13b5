"""pydyf 0.13 builds the tuple of every page's reference each time `PDF.page_references` is read,
and WeasyPrint's tagging (pdf_tags=True) reads it once per structure element: writing a tagged PDF
took time in pages × elements (about a third of the evaluation report's writing at 10,000
applications). The property is replaced, once, by one that keeps the tuple until a page is added;
the references it gives are the same."""

from __future__ import annotations

import pydyf

ORIGINAL = pydyf.PDF.page_references  # pydyf's own, kept for the tests that compare


def _page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_twin_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_twin_page_references"] = cached
    return cached[1]


def install() -> None:
    """Make pydyf.PDF.page_references cached (idempotent)."""
    if pydyf.PDF.page_references.fget is not _page_references:
        pydyf.PDF.page_references = property(_page_references)
