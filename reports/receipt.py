"""The submission receipt (PDF): plain data in, PDF bytes out, rendered by WeasyPrint.

The print template `templates/reports/receipt.html` is rendered by a Jinja environment of its
own (autoescaped, with the caller's translations), so no Flask application or request is needed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from gettext import NullTranslations
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape

from grants.rules.budget import BudgetTotals
from grants.rules.numbers import show_rate, show_size

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class ReceiptParty:
    name: str
    country: str
    role: str = ""
    confirmed_at: datetime | None = None


@dataclass(frozen=True)
class ReceiptLine:
    heading: int
    description: str
    organisation: str
    unit: str
    quantity: Decimal
    unit_cost: Decimal
    total: Decimal


@dataclass(frozen=True)
class ReceiptFile:
    kind: str  # declaration, partnership_statement or annex
    name: str
    size: int
    organisation: str = ""


@dataclass(frozen=True)
class Receipt:
    call_reference: str
    call_title: str
    timezone: str
    currency: str
    reference: str
    stage: str  # concept_note or full_application
    submitted_at: datetime
    lot: str
    title: str
    acronym: str
    theme: str
    summary: str
    start_month: int | None
    duration_months: int | None
    lead: ReceiptParty
    partners: list[ReceiptParty]
    lines: list[ReceiptLine]
    totals: BudgetTotals
    files: list[ReceiptFile]


def build_receipt(receipt: Receipt, locale: str = "en", translations: NullTranslations | None = None) -> bytes:
    """The receipt as a tagged PDF whose title and language are set."""
    from weasyprint import HTML

    html = _environment(locale, translations).get_template("reports/receipt.html").render(r=receipt, lang=locale)
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(pdf_tags=True)


def _environment(locale: str, translations: NullTranslations | None) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations or NullTranslations(), newstyle=True)
    env.filters["money"] = lambda amount, currency: format_currency(amount, currency, locale=locale)
    env.filters["number"] = lambda value: format_decimal(value, locale=locale)
    env.filters["percent"] = lambda value: show_rate(value, locale)
    env.filters["file_size"] = lambda size: show_size(size, locale)
    env.filters["local_time"] = lambda moment, tz: "–" if moment is None else (
        f"{format_datetime(moment, format='medium', tzinfo=ZoneInfo(tz), locale=locale)} ({tz})")
    return env
