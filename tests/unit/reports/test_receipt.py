"""The receipt PDF's layout: a long budget's rows stay whole across pages, the totals sit once under
the last line (never a table footer repeated mid-table), a withdrawn or resubmitted application says
so; and the receipt's data survives being kept as JSON at submission."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from babel.support import Translations
from pypdf import PdfReader

from grants.rules.budget import BudgetTotals
from reports.receipt import (
    Receipt,
    ReceiptFile,
    ReceiptIndicator,
    ReceiptLine,
    ReceiptParty,
    ReceiptResult,
    build_receipt,
    receipt_from_json,
    receipt_to_json,
)

SUBMITTED = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
FILLER = {
    "en": "Study visit of municipal staff with travel and board ",
    "tr": "Belediye personeli için çalışma ziyareti, yol ve konaklama dahil ",
}


def _receipt(lines: int = 40, locale: str = "en", **kw) -> Receipt:
    """A receipt with `lines` budget lines of one to three printed lines each; line i's description
    starts with Li and ends with iE, and its total (1000 + i cents over a thousand) is the only one
    of its kind."""
    rows = []
    for i in range(1, lines + 1):
        description = f"L{i:02d}S " + FILLER[locale] * (1 + i % 3) + f"E{i:02d}"
        rows.append(
            ReceiptLine(
                1 + i % 6,
                description,
                "Stadt Würzburg" if i % 2 else "Nilüfer Belediyesi",
                "day",
                Decimal(1),
                Decimal(1000 + i),
                Decimal(1000 + i),
            )
        )
    direct = sum((row.total for row in rows), Decimal(0))
    totals = BudgetTotals(
        direct,
        Decimal("7.00"),
        Decimal("0.00"),
        direct + 7,
        Decimal("900.00"),
        direct + 7 - 900,
        Decimal(900) / (direct + 7),
    )
    return Receipt(
        "TTGS-2026",
        "Town twinning",
        "Europe/Istanbul",
        "EUR",
        "TTGS-2026-0007",
        "full_application",
        SUBMITTED,
        "",
        "Yeşil kardeş kentler",
        "YKK",
        "Environment",
        "Özet. " * 30,
        1,
        24,
        ReceiptParty("Nilüfer Belediyesi", "TR"),
        [ReceiptParty("Stadt Würzburg", "DE", "Hosts the visits", SUBMITTED - timedelta(days=1))],
        rows,
        totals,
        [ReceiptFile("declaration", "declaration.pdf", 1234)],
        **kw,
    )


def _pages(receipt: Receipt, locale: str = "en") -> list[str]:
    """Each page's text without white space (kerning splits words when extracted)."""
    translations = Translations.load("grants/translations", [locale])
    reader = PdfReader(io.BytesIO(build_receipt(receipt, locale, translations)))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def _page_of(pages: list[str], needle: str) -> list[int]:
    return [n for n, text in enumerate(pages) if needle in text]


@pytest.mark.parametrize(
    "locale, total_label", [("en", "Totaleligiblecosts"), ("tr", "Toplamuygunmaliyetler")]
)
def test_a_long_budget_keeps_each_row_whole_and_the_totals_once_under_the_last_line(
    locale, total_label
):
    pages = _pages(_receipt(40, locale), locale)
    assert len(pages) >= 3  # the budget runs over several pages
    for i in range(1, 41):
        start, end = _page_of(pages, f"L{i:02d}S"), _page_of(pages, f"E{i:02d}")
        assert len(start) == 1 and start == end, (
            f"budget line {i} is split across pages {start} and {end}"
        )
    last = _page_of(pages, "E40")[0]
    assert [n for n, text in enumerate(pages) for _ in range(text.count(total_label))] in (
        [last],
        [last + 1],
    )
    where = _page_of(pages, total_label)[0]
    assert where > last or pages[where].index(total_label) > pages[where].index("E40")
    # the header row repeats on every page the lines run over, so that each page reads on its own
    heading = "Heading" if locale == "en" else "Başlık"
    first = _page_of(pages, "L01S")[0]
    assert all(heading in pages[n] for n in range(first, last + 1))


def test_a_withdrawn_application_s_receipt_says_it_was_withdrawn():
    assert "withdrawn" not in "".join(_pages(_receipt(2)))
    assert "Thisapplicationwaswithdrawnafteritwassubmitted" in "".join(
        _pages(_receipt(2, withdrawn=True))
    )


def test_a_resubmitted_application_s_receipt_says_which_submission_it_is():
    once = "".join(_pages(_receipt(2)))
    assert "Submission2" not in once and "Lastsubmittedat" not in once
    text = "".join(
        _pages(_receipt(2, submissions=2, first_submitted_at=SUBMITTED - timedelta(days=2)))
    )
    assert "Submission2ofthisapplication:firstsubmittedatMar1,2026" in text
    assert "lastsubmittedatMar3,2026" in text and "Lastsubmittedat" in text


def test_the_kept_receipt_reads_back_the_same_with_its_amounts_exact_and_times_aware():
    receipt = _receipt(
        3,
        submissions=2,
        first_submitted_at=SUBMITTED - timedelta(days=2),
        objectives="Zero waste",
        activities="Visits",
        expected_results="Less waste",
    )
    kept = receipt_to_json(receipt)
    assert (
        kept["lines"][0]["unit_cost"] == "1001"
        and kept["submitted_at"] == "2026-03-03T09:30:00+00:00"
    )
    back = receipt_from_json(kept)
    assert back == receipt
    assert (
        isinstance(back.totals.grant_rate, Decimal)
        and back.partners[0].confirmed_at.tzinfo is not None
    )


def test_the_kept_logical_framework_reads_back_exact_and_an_older_version_has_none():
    results = [
        ReceiptResult(
            "Ties set up",
            [
                ReceiptIndicator("Events held", "events", Decimal("2500.50"), None, "Reports"),
                ReceiptIndicator("Staff trained", "people", Decimal("0.00"), Decimal("12.00")),
            ],
        ),
        ReceiptResult("Plans adopted"),
    ]
    receipt = _receipt(2, overall_objective="Closer ties", results=results)
    kept = receipt_to_json(receipt)
    assert kept["results"][0]["indicators"][0]["baseline"] == "2500.50"
    assert kept["results"][0]["indicators"][0]["target"] is None
    back = receipt_from_json(kept)
    assert back == receipt and isinstance(back.results[0].indicators[1].target, Decimal)
    older = {k: v for k, v in kept.items() if k not in ("results", "overall_objective")}
    assert receipt_from_json(older).results == []
