"""The submission receipt (PDF): plain data in, PDF bytes out, rendered by WeasyPrint.

A `Receipt` is also what is kept of each submission (`receipt_to_json` / `receipt_from_json`):
the organisations, texts, budget and files as they were when submitted, so that the receipt and
the staff's view of a reopened application never show the draft being corrected nor a later rename.

The print template `templates/reports/receipt.html` is rendered by a Jinja environment of its
own (autoescaped, with the caller's translations), so no Flask application or request is needed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
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
    # not printed: for the staff's exports of a reopened application's submitted version
    organisation_id: int | None = None
    type: str = ""
    region: str = ""


@dataclass(frozen=True)
class ReceiptLine:
    heading: int
    description: str
    organisation: str
    unit: str
    quantity: Decimal
    unit_cost: Decimal
    total: Decimal
    organisation_id: int | None = None  # not printed: for exports


@dataclass(frozen=True)
class ReceiptFile:
    kind: str  # declaration, partnership_statement or annex
    name: str
    size: int
    organisation: str = ""


@dataclass(frozen=True)
class ReceiptIndicator:
    description: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    source: str = ""


@dataclass(frozen=True)
class ReceiptResult:
    """An expected result of the logical framework, with its indicators."""

    text: str
    indicators: list[ReceiptIndicator] = field(default_factory=list)


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
    objectives: str = ""
    activities: str = ""
    expected_results: str = ""
    # the logical framework (kept since it was added: an older kept version has none)
    overall_objective: str = ""
    specific_objective: str = ""
    results: list[ReceiptResult] = field(default_factory=list)
    first_submitted_at: datetime | None = None  # None or equal to submitted_at: submitted once
    submissions: int = 1  # which submission this is: 2 after one reopening and resubmission
    # the stage's state when the receipt is printed (not part of what was submitted)
    withdrawn: bool = False
    reopened_at: datetime | None = None

    @property
    def resubmitted(self) -> bool:
        return self.submissions > 1


_TIMES = ("submitted_at", "first_submitted_at", "reopened_at")
_AMOUNTS = ("quantity", "unit_cost", "total")
_VALUES = ("baseline", "target")


def receipt_to_json(receipt: Receipt) -> dict:
    """The receipt as JSON-safe data: amounts as strings (never floats), times in ISO 8601 with
    offset."""

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, datetime):
            return value.isoformat()
        return value

    return plain(asdict(receipt))


def receipt_from_json(data: dict) -> Receipt:
    """The receipt kept by `receipt_to_json`, with its Decimals and aware datetimes back."""

    def when(value: str | None) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)

    def party(item: dict) -> ReceiptParty:
        return ReceiptParty(**(item | {"confirmed_at": when(item.get("confirmed_at"))}))

    known = {f.name for f in fields(Receipt)}
    values = {k: v for k, v in data.items() if k in known}
    values.update({k: when(data.get(k)) for k in _TIMES})
    values["lead"] = party(data["lead"])
    values["partners"] = [party(p) for p in data["partners"]]
    values["lines"] = [
        ReceiptLine(**{k: Decimal(v) if k in _AMOUNTS else v for k, v in line.items()})
        for line in data["lines"]
    ]
    totals = data["totals"]
    values["totals"] = BudgetTotals(
        **{k: None if v is None else Decimal(v) for k, v in totals.items()}
    )
    values["files"] = [ReceiptFile(**f) for f in data["files"]]
    values["results"] = [
        ReceiptResult(
            r["text"],
            [
                ReceiptIndicator(
                    **{k: Decimal(v) if k in _VALUES and v is not None else v for k, v in i.items()}
                )
                for i in r["indicators"]
            ],
        )
        for r in data.get("results", [])
    ]
    return Receipt(**values)


def build_receipt(
    receipt: Receipt, locale: str = "en", translations: NullTranslations | None = None
) -> bytes:
    """The receipt as a tagged PDF whose title and language are set."""
    from weasyprint import HTML

    html = (
        _environment(locale, translations)
        .get_template("reports/receipt.html")
        .render(r=receipt, lang=locale)
    )
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(pdf_tags=True)


# the budget headings as the application pages name them (their msgids are in the catalog)
HEADINGS = {
    1: "1 Human resources",
    2: "2 Travel",
    3: "3 Equipment and supplies",
    4: "4 Local office",
    5: "5 Other costs and services",
    6: "6 Other",
}


def _environment(locale: str, translations: NullTranslations | None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    translations = translations or NullTranslations()
    env.install_gettext_translations(translations, newstyle=True)
    env.filters["heading_name"] = lambda heading: translations.gettext(
        HEADINGS.get(heading, str(heading))
    )
    env.filters["money"] = lambda amount, currency: format_currency(amount, currency, locale=locale)
    env.filters["number"] = lambda value: format_decimal(value, locale=locale)
    env.filters["rate_percent"] = lambda value: show_rate(value, locale)
    env.filters["file_size"] = lambda size: show_size(size, locale)
    env.filters["local_time"] = lambda moment, tz: (
        "–"
        if moment is None
        else (
            f"{format_datetime(moment, format='medium', tzinfo=ZoneInfo(tz), locale=locale)} ({tz})"
        )
    )
    return env
