"""360Giving open data: the awarded grants of a finalised call, valid against the standard's
schemas, and the same grants as CSV with the standard's column titles."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import grants
from grants.exports import giving360
from grants.exports.kinds import ExportError
from tests.factories.exports import awarded_stages, exact, ranked_example

DATA = Path(grants.__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "schemas" / "360giving"
FINALISED = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)  # 24 November in Istanbul


def validator() -> Draft202012Validator:
    package = json.loads((DATA / "360-giving-package-schema.json").read_text())
    grant = json.loads((DATA / "360-giving-schema.json").read_text())
    ref = package["properties"]["grants"]["items"][
        "$ref"
    ]  # the package names the grant schema by its URL
    registry = Registry().with_resource(ref, DRAFT202012.create_resource(grant))
    return Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@pytest.fixture
def final_call(db):
    call = ranked_example()
    call.finalised_at = FINALISED
    stage = awarded_stages(call)[0]
    stage.application.title = '=HYPERLINK("x")'
    db.session.commit()
    return call


def test_the_schemas_shipped_are_the_standard_s(app):
    if not SHARED.is_dir():
        pytest.skip("the shared schemas are not beside this checkout")
    for name in ("360-giving-package-schema.json", "360-giving-schema.json"):
        assert json.loads((DATA / name).read_text()) == json.loads((SHARED / name).read_text())


def test_json_package_of_the_awarded_grants_is_valid(final_call, tmp_path, app):
    path = tmp_path / "grants.json"
    assert (
        giving360.build_json(final_call.id, "en", lambda p: None, path)
        == "TTGS-DEMO-360giving.json"
    )
    data = json.loads(path.read_text(), parse_float=Decimal)
    errors = [e.message for e in validator().iter_errors(json.loads(path.read_text()))]
    assert errors == []
    stages = {s.application.reference: s for s in awarded_stages(final_call)}
    assert len(data["grants"]) == len(stages) == 27
    assert sum(Decimal(g["amountAwarded"]) for g in data["grants"]) == final_call.awarded_total
    first = data["grants"][0]
    stage = stages[first["id"].removeprefix("360G-twingrants-")]
    lead = stage.application.lead
    assert Decimal(first["amountAwarded"]) == stage.awarded_amount
    assert first["title"] == '=HYPERLINK("x")' and first["currency"] == "EUR"
    assert first["awardDate"] == "2026-11-24"
    assert first["fundingOrganization"] == [
        {"id": app.config["GIVING360_FUNDER_ID"], "name": app.config["GIVING360_FUNDER_NAME"]}
    ]
    assert first["recipientOrganization"][0]["id"] == f"360G-twingrants-ORG-{lead.id}"
    assert first["recipientOrganization"][0]["addressCountry"] == "Türkiye"
    assert first["beneficiaryLocation"] == [{"name": lead.region, "countryCode": "TR"}]
    assert first["grantProgramme"] == [{"code": "TTGS-DEMO", "title": final_call.title}]


def test_the_publisher_prefix_comes_from_the_configuration(final_call, tmp_path, app, monkeypatch):
    monkeypatch.setitem(app.config, "GIVING360_PREFIX", "360G-mininterior")
    path = tmp_path / "grants.json"
    giving360.build_json(final_call.id, "en", lambda p: None, path)
    assert all(
        g["id"].startswith("360G-mininterior-TTGS-DEMO-")
        for g in json.loads(path.read_text())["grants"]
    )


def test_csv_has_the_standard_titles_and_one_row_per_grant(final_call, tmp_path):
    path = tmp_path / "grants.csv"
    assert (
        giving360.build_csv(final_call.id, "en", lambda p: None, path) == "TTGS-DEMO-360giving.csv"
    )
    table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert {
        "Identifier",
        "Title",
        "Currency",
        "Amount Awarded",
        "Award Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Recipient Org:Country",
        "Beneficiary Location:Country Code",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Grant Programme:Code",
        "Planned Dates:Duration (months)",
    } <= set(table[0])
    assert len(table) == 27
    assert sum(exact(row["Amount Awarded"]) for row in table) == final_call.awarded_total
    assert {row["Award Date"] for row in table} == {"2026-11-24"}
    assert '\'=HYPERLINK("x")' in {
        row["Title"] for row in table
    }  # a quote keeps a spreadsheet from running it


def test_nothing_is_published_before_the_decisions_are_final(db, tmp_path):
    call = ranked_example()
    with pytest.raises(ExportError, match="not final yet"):
        giving360.build_json(call.id, "en", lambda p: None, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()
