"""The recovery order (PDF) of a grant whose final amount is below the pre-financing paid: the
contracting authority (the Authority's letter settings) orders the beneficiary to pay back the
difference within 45 days (PRAG's debit note). Plain data in, bytes out: no Flask, no database;
rendered from templates/reports/recovery_order.html with the caller's Jinja environment."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jinja2 import Environment
from weasyprint import HTML

from reports.letters import Letterhead


@dataclass(frozen=True)
class RecoveryOrder:
    number: str  # <contract number>/RO
    value_date: date  # the day the final report was approved
    due_on: date  # value date + 45 days
    currency: str
    timezone: str
    contract_number: str
    call_reference: str
    application_reference: str
    title: str
    beneficiary: str
    beneficiary_address: str
    beneficiary_country: str
    max_grant: Decimal
    final_amount: Decimal
    prefinancing_paid: Decimal
    amount: Decimal  # to recover
    account_holder: str
    iban: str
    bic: str
    bank_name: str
    letterhead: Letterhead

    @property
    def file_name(self) -> str:
        return self.number.replace("/", "-") + ".pdf"


def render_order(
    env: Environment, order: RecoveryOrder, lang: str = "en", logo: bytes | None = None
) -> str:
    source = None
    if logo and order.letterhead.logo_type:
        source = f"data:{order.letterhead.logo_type};base64,{base64.b64encode(logo).decode()}"
    return env.get_template("reports/recovery_order.html").render(
        order=order, lang=lang, logo=source
    )


def order_pdf(
    env: Environment, order: RecoveryOrder, lang: str = "en", logo: bytes | None = None
) -> bytes:
    return HTML(string=render_order(env, order, lang, logo)).write_pdf(pdf_tags=True)
