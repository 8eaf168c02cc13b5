"""360Giving Data Standard (1.4): awarded grants as a JSON package, its flat CSV form, and
validation.

Data in, text out: the caller gives plain grant records, the funder and the schema directory.
Identifiers follow the 360Giving rules: a grant is "<publisher prefix>-<reference>"; an organisation
without an identifier in a recognised register gets "<publisher prefix>-ORG-<internal id>"; the
funder is an org-id (https://org-id.guide) identifier. The CSV has one row per grant and the
standard's flattened column titles ("Recipient Org:Identifier"...), read from the schema itself.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

PACKAGE_SCHEMA = "360-giving-package-schema.json"
GRANT_SCHEMA = "360-giving-schema.json"
VERSION = "1.4"
# one-item arrays are rolled up into the grant's row, as the standard's spreadsheet template does
COLUMNS = (
    ("id",),
    ("title",),
    ("description",),
    ("currency",),
    ("amountAppliedFor",),
    ("amountAwarded",),
    ("awardDate",),
    ("plannedDates", "startDate"),
    ("plannedDates", "endDate"),
    ("plannedDates", "duration"),
    ("amountDisbursed",),
    ("recipientOrganization", "id"),
    ("recipientOrganization", "name"),
    ("recipientOrganization", "streetAddress"),
    ("recipientOrganization", "addressRegion"),
    ("recipientOrganization", "addressCountry"),
    ("beneficiaryLocation", "name"),
    ("beneficiaryLocation", "countryCode"),
    ("fundingOrganization", "id"),
    ("fundingOrganization", "name"),
    ("grantProgramme", "code"),
    ("grantProgramme", "title"),
    ("fromOpenCall",),
    ("dateModified",),
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Funder:
    id: str
    name: str
    prefix: str  # the publisher's 360Giving prefix, e.g. "360G-twingrants"


@dataclass(frozen=True)
class Grant:
    reference: str
    title: str
    description: str
    currency: str
    requested: Decimal
    awarded: Decimal
    award_date: date
    duration_months: int | None
    recipient_id: int
    recipient_name: str
    recipient_address: str
    recipient_region: str
    recipient_country: str  # ISO 3166-1 alpha-2
    recipient_country_name: str
    programme_code: str
    programme_title: str
    modified: datetime
    # once contracted: the contract's dates and months; once paid: paid less recovered
    planned_start: date | None = None
    planned_end: date | None = None
    disbursed: Decimal | None = None


def number(amount: Decimal) -> int | float:
    """A JSON number for an amount of at most 15 significant digits (Numeric(14, 2)): its shortest
    float form prints back exactly the same decimal digits, so nothing is rounded."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def grant(record: Grant, funder: Funder) -> dict:
    recipient = {
        "id": f"{funder.prefix}-ORG-{record.recipient_id}",
        "name": record.recipient_name,
        "streetAddress": record.recipient_address,
        "addressRegion": record.recipient_region,
        "addressCountry": record.recipient_country_name,
    }
    location = {
        "name": record.recipient_region or record.recipient_name,
        "countryCode": record.recipient_country,
    }
    out = {
        "id": f"{funder.prefix}-{record.reference}",
        "title": record.title,
        "description": record.description or record.title,
        "currency": record.currency,
        "amountAppliedFor": number(record.requested),
        "amountAwarded": number(record.awarded),
        "awardDate": record.award_date.isoformat(),
        "plannedDates": _planned(record),
        "amountDisbursed": None if record.disbursed is None else number(record.disbursed),
        "recipientOrganization": [{k: v for k, v in recipient.items() if v}],
        "beneficiaryLocation": [location],
        "fundingOrganization": [{"id": funder.id, "name": funder.name}],
        "grantProgramme": [{"code": record.programme_code, "title": record.programme_title}],
        "fromOpenCall": "Yes",
        "dateModified": record.modified.isoformat(),
    }
    return {k: v for k, v in out.items() if v is not None}


def _planned(record: Grant) -> list[dict] | None:
    """The contract's start and end dates and period once contracted; before, the application's
    duration."""
    event = {
        "startDate": record.planned_start.isoformat() if record.planned_start else None,
        "endDate": record.planned_end.isoformat() if record.planned_end else None,
        "duration": record.duration_months or None,
    }
    event = {k: v for k, v in event.items() if v is not None}
    return [event] if event else None


def package(grants: list[dict], funder: Funder, title: str, identifier: str, issued: date) -> dict:
    return {
        "grants": grants,
        "version": VERSION,
        "title": title,
        "identifier": f"{funder.prefix}-{identifier}",
        "issued": issued.isoformat(),
        "publisher": {"identifier": funder.id, "name": funder.name},
    }


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


@cache
def _schemas(directory: Path) -> tuple[dict, dict]:
    return tuple(
        json.loads((directory / name).read_text(encoding="utf-8"))
        for name in (PACKAGE_SCHEMA, GRANT_SCHEMA)
    )


def problems(data: dict, directory: Path) -> list[str]:
    """Where the package breaks the schemas. The package refers to the grant schema by the URL of an
    earlier release (1.4.2); both that URL and the grant schema's own are resolved to the copy in
    `directory`."""
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    package_schema, grant_schema = _schemas(directory)
    resource = DRAFT202012.create_resource(
        grant_schema
    )  # its "$schema" (http://) is not one referencing knows
    refs = {package_schema["properties"]["grants"]["items"]["$ref"], grant_schema["$id"]}
    registry = Registry().with_resources((ref, resource) for ref in refs)
    validator = Draft202012Validator(
        package_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [f"{error.json_path}: {error.message[:240]}" for error in validator.iter_errors(data)]


def titles(directory: Path) -> list[str]:
    """The flattened column titles of COLUMNS, from the schema's own titles."""
    schema = _schemas(directory)[1]
    out = []
    for path in COLUMNS:
        prop = schema["properties"][path[0]]
        parent = prop.get("title") or _resolve(schema, prop).get("title")
        if len(path) == 1:
            out.append(parent)
        else:
            item = _resolve(schema, prop["items"])
            out.append(f"{parent}:{item['properties'][path[1]]['title']}")
    return out


def _resolve(schema: dict, node: dict) -> dict:
    ref = node.get("$ref", "")
    return schema["$defs"][ref.rsplit("/", 1)[-1]] if ref.startswith("#/$defs/") else node


def csv_text(data: dict, directory: Path) -> str:
    """The grants as CSV: the standard's titles, one row per grant; text that a spreadsheet would
    run as a formula is prefixed with a quote."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(titles(directory))
    for item in data["grants"]:
        writer.writerow([csv_cell(_value(item, path)) for path in COLUMNS])
    return out.getvalue()


def _value(item: dict, path: tuple[str, ...]):
    value = item.get(path[0])
    if len(path) == 2:
        value = value[0].get(path[1]) if value else None
    return value


def csv_cell(value) -> str:
    """A value as a CSV cell; text that a spreadsheet would run as a formula gets a quote."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text
