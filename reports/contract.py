"""The grant contract (PDF) from plain data: the parties, the special conditions (maximum grant,
grant rate, period and dates, payment scheme and schedule, reporting, bank account), the budget
(annex III) and the logical framework's indicators (extract of annex I).

Rendered from templates/reports/contract.html with the Jinja environment the caller passes in (the
application's, whose gettext and filters follow the locale active while rendering), the contracting
authority's letterhead as in the letters (reports/letters.py), its logo as bytes. No Flask, no
database.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from jinja2 import Environment
from weasyprint import HTML

from reports.letters import Letterhead

TEMPLATE = "reports/contract.html"


@dataclass(frozen=True)
class Party:
    name: str
    country: str
    address: str = ""
    role: str = ""


@dataclass(frozen=True)
class Line:
    heading: int
    description: str
    organisation: str
    amount: Decimal


@dataclass(frozen=True)
class Heading:
    """A budget heading with its lines and their sum."""

    heading: int
    lines: tuple[Line, ...]
    total: Decimal


@dataclass(frozen=True)
class ReportingPeriod:
    number: int
    months: int
    first_month: int  # of the implementation period, 1-based
    last_month: int
    start: date | None = None  # once the contract is in force
    end: date | None = None
    report: str = "interim"  # what closes it: an interim report, or the final one
    report_due: date | None = None


@dataclass(frozen=True)
class Instalment:
    period: int
    amount: Decimal  # what the scheme's formula gives
    payable: Decimal  # within the pre-financing ceiling
    due_on: date | None  # the first: 30 days after entry into force; later ones: see the rule


@dataclass(frozen=True)
class Indicator:
    result: str
    description: str
    unit: str
    baseline: Decimal
    target: Decimal


@dataclass(frozen=True)
class Contract:
    number: str
    status: str
    call_reference: str
    call_title: str
    currency: str
    timezone: str
    application_reference: str
    title: str
    lead: Party
    partners: tuple[Party, ...]
    max_grant: Decimal
    contract_total: Decimal
    direct: Decimal
    indirect: Decimal
    contingency: Decimal
    rate: Fraction
    months: int
    scheme: str
    headings: tuple[Heading, ...]
    periods: tuple[ReportingPeriod, ...]
    instalments: tuple[Instalment, ...]
    prefinancing_ceiling: Decimal
    ceiling_rate: Decimal
    single_prefinancing_rate: Decimal
    prefinancing_due_days: int
    instalment_due_days: int
    instalment_condition_rate: Decimal
    interim_report_days: int
    final_report_days: int
    verification_threshold: Decimal
    needs_verification: bool
    heading_flexibility_rate: Decimal
    account_holder: str
    iban: str
    bic: str
    bank_name: str
    set_start: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    signed_at: datetime | None = None
    signed_by: str = ""
    countersigned_at: datetime | None = None
    countersigned_by: str = ""
    indicators: tuple[Indicator, ...] = ()
    letterhead: Letterhead = field(default_factory=Letterhead)

    @property
    def file_name(self) -> str:
        return "contract-" + self.number.replace("/", "-") + ".pdf"


def render_contract(
    env: Environment, contract: Contract, lang: str = "en", logo: bytes | None = None
) -> str:
    """The contract as HTML (user text escaped by the environment's autoescape)."""
    source = None
    if logo and contract.letterhead.logo_type:
        source = f"data:{contract.letterhead.logo_type};base64,{base64.b64encode(logo).decode()}"
    return env.get_template(TEMPLATE).render(c=contract, lang=lang, logo=source)


def contract_pdf(
    env: Environment, contract: Contract, lang: str = "en", logo: bytes | None = None
) -> bytes:
    """A tagged PDF whose title and language are set."""
    return HTML(string=render_contract(env, contract, lang, logo)).write_pdf(pdf_tags=True)
