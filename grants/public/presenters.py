"""The open data of a call's results: the published grants as CSV, one row per grant.

The same rows as the results page (grants/awards/queries/results.py), with English column titles
in a fixed order (open data is read by programs: a column never moves), codes rather than names
where a code exists (the country, the lot), plain numbers (`12500.50`) and ISO dates. Written as
UTF-8 with a byte-order mark so that Excel reads Turkish letters; text that a spreadsheet would run
as a formula is prefixed with a quote, as the 360Giving CSV does (reports/giving360.py).
"""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from grants.awards.queries.results import Party, PublicAward, Results
from grants.models import Call
from reports.giving360 import csv_cell

BOM = "\ufeff"
COLUMNS = (
    "Reference",
    "Beneficiary",
    "Address",
    "Locality",
    "Country",
    "Partners",
    "Title",
    "Purpose",
    "Duration (months)",
    "Lot",
    "Amount",
    "Currency",
    "Publication date",
)


def results_csv(call: Call, results: Results) -> str:
    """The CSV text, BOM first, rows ended by CRLF as RFC 4180 says."""
    published = results.published_at.astimezone(ZoneInfo(call.timezone)).date().isoformat()
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for award in results.awards:
        writer.writerow([csv_cell(value) for value in _row(award, call.currency, published)])
    return out.getvalue()


def _row(award: PublicAward, currency: str, published: str) -> list:
    return [
        award.reference,
        award.beneficiary.name,
        award.beneficiary.address,
        award.beneficiary.region,
        award.beneficiary.country,
        "; ".join(_partner(partner) for partner in award.partners),
        award.title,
        award.purpose,
        award.duration_months,
        award.lot.code if award.lot else None,
        f"{award.amount:.2f}",
        currency,
        published,
    ]


def _partner(party: Party) -> str:
    place = ", ".join(part for part in (party.region, party.country) if part)
    return f"{party.name} ({place})" if place else party.name
