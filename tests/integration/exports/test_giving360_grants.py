"""360Giving after the award (docs/domain.md 6): "with planned dates once contracted and amounts
disbursed once paid", still valid against the standard's schemas."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import grants
from grants.contracts.services import prepare
from grants.exports import giving360
from grants.rules.grant_status import GrantStatus
from grants.rules.grant_terms import end_date
from tests.factories import make_user
from tests.factories.exports import awarded_stages, ranked_example

DATA = Path(grants.__file__).parent / "data"
D = Decimal


def errors(data: dict) -> list[str]:
    package = json.loads((DATA / "360-giving-package-schema.json").read_text())
    grant = json.loads((DATA / "360-giving-schema.json").read_text())
    ref = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resource(ref, DRAFT202012.create_resource(grant))
    checker = Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [e.message for e in checker.iter_errors(data)]


@pytest.fixture
def contracted(db):
    """A finalised call: its first award in force from 1 March 2027, 60,000 paid, then terminated
    with 5,000 recovered; its second with a contract still to sign; the others without one."""
    call = ranked_example()
    call.finalised_at = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
    staff = make_user("staff")
    first, second = awarded_stages(call)[:2]
    grant = prepare(first.application, staff.id, datetime(2027, 1, 5, tzinfo=UTC))
    grant.status = GrantStatus.in_force
    grant.start_date = date(2027, 3, 1)
    grant.end_date = end_date(grant.start_date, grant.months)
    grant.prefinancing_paid = grant.paid_total = D("60000.00")
    # terminated: its final amount 50,000, of the 10,000 to recover 5,000 recovered so far
    grant.status, grant.final_amount = GrantStatus.terminated, D("50000.00")
    grant.recovered_total = D("5000.00")
    sent = prepare(second.application, staff.id, datetime(2027, 1, 5, tzinfo=UTC))
    sent.status = GrantStatus.sent
    db.session.commit()
    return call, grant, first, second


def by_reference(data: dict, stage) -> dict:
    return next(g for g in data["grants"] if g["id"].endswith(stage.application.reference))


def test_planned_dates_and_amount_disbursed_once_contracted_and_paid(contracted, tmp_path):
    call, grant, first, second = contracted
    path = tmp_path / "grants.json"
    giving360.build_json(call.id, "en", lambda _p: None, path)
    data = json.loads(path.read_text(), parse_float=Decimal)
    assert errors(json.loads(path.read_text())) == []
    running = by_reference(data, first)
    assert running["plannedDates"] == [
        {
            "startDate": "2027-03-01",
            "endDate": grant.end_date.isoformat(),
            "duration": grant.months,
        }
    ]
    assert Decimal(running["amountDisbursed"]) == D("55000.00")  # paid less recovered
    waiting = by_reference(data, second)
    assert "amountDisbursed" not in waiting
    assert waiting["plannedDates"] == [{"duration": second.application.duration_months}]
    assert sum("amountDisbursed" in g for g in data["grants"]) == 1


def test_the_csv_has_the_new_columns(contracted, tmp_path):
    call, grant, first, _second = contracted
    path = tmp_path / "grants.csv"
    giving360.build_csv(call.id, "en", lambda _p: None, path)
    table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    row = next(r for r in table if r["Identifier"].endswith(first.application.reference))
    assert row["Planned Dates:Start Date"] == "2027-03-01"
    assert row["Planned Dates:End Date"] == grant.end_date.isoformat()
    assert row["Amount Disbursed"] == "55000"
    assert {r["Amount Disbursed"] for r in table if r is not row} == {""}
