"""Grant statements of a call (docs/domain.md 6: "contracted, paid, due and recovered per grant,
lot and call"), as a workbook and as a PDF.

Plain data in: the rows of each grant and the totals per lot and for the call, with the titles in
the reader's language; the caller gives the Jinja environment of the print templates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment

from reports.workbook import Column, XlsxBook

TEMPLATE = "reports/grant_statements.html"


@dataclass(frozen=True)
class GrantLine:
    number: str
    beneficiary: str
    partners: str
    lot: str
    status: str  # in the reader's language
    start: date | None
    end: date | None
    max_grant: Decimal
    final_amount: Decimal | None
    paid: Decimal
    recovered: Decimal
    to_pay: Decimal
    to_recover: Decimal


@dataclass(frozen=True)
class Total:
    label: str
    grants: int
    contracted: Decimal
    paid: Decimal
    to_pay: Decimal
    recovered: Decimal
    absorption: Decimal | None  # paid / contracted, a fraction


@dataclass(frozen=True)
class Statements:
    reference: str
    title: str
    currency: str
    zone: str
    made_on: date
    lines: Sequence[GrantLine]
    totals: Sequence[Total]  # per lot, then the call


# the columns, by key; the caller gives their titles in the reader's language
GRANT_COLUMNS = (
    ("number", "text", 20),
    ("beneficiary", "text", 30),
    ("partners", "text", 36),
    ("lot", "text", 10),
    ("status", "text", 14),
    ("start", "text", 12),
    ("end", "text", 12),
    ("max_grant", "money", 16),
    ("final_amount", "money", 16),
    ("paid", "money", 16),
    ("recovered", "money", 16),
    ("to_pay", "money", 16),
    ("to_recover", "money", 16),
)
TOTAL_COLUMNS = (
    ("label", "text", 36),
    ("grants", "integer", 10),
    ("contracted", "money", 18),
    ("paid", "money", 18),
    ("to_pay", "money", 18),
    ("recovered", "money", 18),
    ("absorption", "percent", 12),
)


def write_xlsx(data: Statements, titles: dict[str, str], sheets: tuple[str, str], path: Path):
    """Two sheets: one row per grant; the totals per lot and for the call. Money cells are numbers
    in the call's currency format."""
    book = XlsxBook(path, data.currency, data.zone)
    grants = book.sheet(sheets[0], [Column(titles[k], t, w) for k, t, w in GRANT_COLUMNS])
    for line in data.lines:
        grants.append([getattr(line, key) for key, _t, _w in GRANT_COLUMNS])
    grants.close()
    totals = book.sheet(sheets[1], [Column(titles[k], t, w) for k, t, w in TOTAL_COLUMNS])
    for total in data.totals:
        totals.append([getattr(total, key) for key, _t, _w in TOTAL_COLUMNS])
    totals.close()
    book.save()


def write_pdf(env: Environment, data: Statements, titles: dict[str, str], path: Path, lang: str):
    """The statements as a tagged PDF (landscape A4); text users typed is escaped by the
    environment's autoescape."""
    from weasyprint import HTML

    html = env.get_template(TEMPLATE).render(s=data, titles=titles, lang=lang)
    HTML(string=html).write_pdf(path, pdf_tags=True)
