"""Bundle version 2: version 1's fields unchanged, plus the record of the selection (overrides with
who, when, from, to and why; the staff who made them; signatures of the declaration of impartiality;
declarations of conflict of interest). Export writes it, it validates against its schema, and a
fresh database that imports it has the same record; version-1 bundles still import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

import grants
from grants.bundle import BundleError, export_bundle, import_bundle, problems
from grants.extensions import db as database
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    ConflictStatus,
    DecisionOverride,
    User,
)
from tests.factories import make_user
from tests.factories.bundle import (
    ADDED,
    RECORD,
    SELECTION,
    in_a_fresh_installation,
    small,
    version_1,
)
from tests.factories.records import (
    CONFLICT,
    WHY_NOT_SELECTED,
    WHY_PROMOTED,
    WHY_REDUCED,
    call_with_record,
    stage_of,
)
from tests.factories.selection import add_selection

DATA = Path(grants.__file__).parent / "data"
ROOT = Path(grants.__file__).parents[1]
SHARED_EXAMPLE = ROOT.parent / "shared" / "examples" / "ttgs-demo.bundle.json"


def schema(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_version_2_schema_keeps_every_version_1_field():
    v1, v2 = schema("call-bundle.schema.json"), schema("call-bundle.v2.schema.json")
    assert v2["properties"]["version"] == {"const": 2} and v2["required"] == v1["required"] + list(
        RECORD
    )
    # the committee and the admissibility clarifications: optional, so older bundles still import
    assert not set(SELECTION) & set(v2["required"])
    assert {k: v for k, v in v2["properties"].items() if k != "version"} == {
        **{k: v for k, v in v1["properties"].items() if k != "version"},
        **{k: v2["properties"][k] for k in RECORD + SELECTION},
    }
    # optional properties version 2 adds: the grant settings, the days of document requests and
    # reminders, and the logical framework
    added = ADDED
    assert {k: v2["$defs"][k] for k in v1["$defs"] if k not in added} == {
        k: v for k, v in v1["$defs"].items() if k not in added
    }
    for name, props in added.items():
        v2_def, v1_def = v2["$defs"][name], v1["$defs"][name]
        assert not props & set(v2_def["required"]) and not props & set(v1_def["properties"])
        assert {**v2_def, "properties": {}} == {**v1_def, "properties": {}}
        assert {k: v for k, v in v2_def["properties"].items() if k not in props} == v1_def[
            "properties"
        ]
    assert v2["additionalProperties"] is False
    Draft202012Validator.check_schema(v2)


def test_export_writes_the_record_and_it_validates(db):
    call, staff = call_with_record()
    bundle = export_bundle(call)
    assert bundle["version"] == 2
    assert not list(
        Draft202012Validator(
            schema("call-bundle.v2.schema.json"), format_checker=Draft202012Validator.FORMAT_CHECKER
        ).iter_errors(bundle)
    )
    key = f"user-{staff.id}"
    assert bundle["staff"] == [
        {"key": key, "name": "Selin Yıldız", "email": "selin.yildiz@example.org"}
    ]
    reduced, moved, promoted = bundle["overrides"]
    assert reduced == {
        "application": "TTGS-DEMO-0023",
        "stage": "full_application",
        "by": key,
        "at": reduced["at"],
        "from": {"status": "awarded", "awarded_amount": "120000.00"},
        "to": {"status": "awarded", "awarded_amount": "100000.00"},
        "justification": WHY_REDUCED,
        "discarded_at": None,
    }
    assert reduced["at"].endswith("+03:00")  # in the call's time zone
    assert (moved["application"], moved["from"], moved["to"], moved["justification"]) == (
        "TTGS-DEMO-0036",
        {"status": "awarded", "awarded_amount": "100000.00"},
        {"status": "not_selected", "awarded_amount": None},
        WHY_NOT_SELECTED,
    )
    assert (promoted["from"]["status"], promoted["to"]["status"], promoted["justification"]) == (
        "reserve",
        "awarded",
        WHY_PROMOTED,
    )
    assert bundle["impartiality"] == [
        {"evaluator": "ev1", "signed_at": "2018-05-02T10:30:00+03:00"},
        {"evaluator": "ev2", "signed_at": "2018-05-02T10:30:00+03:00"},
    ]
    first = [d for d in bundle["declarations"] if d["application"] == "TTGS-DEMO-0001"]
    assert first == [
        {
            "evaluator": "ev1",
            "application": "TTGS-DEMO-0001",
            "stage": "full_application",
            "declaration": "no_conflict",
            "declared_at": "2018-05-03T11:15:00+03:00",
            "reason": None,
        },
        {
            "evaluator": "ev2",
            "application": "TTGS-DEMO-0001",
            "stage": "full_application",
            "declaration": "no_conflict",
            "declared_at": "2018-05-03T11:15:00+03:00",
            "reason": None,
        },
        {
            "evaluator": "ev3",
            "application": "TTGS-DEMO-0001",
            "stage": "full_application",
            "declaration": "conflict",
            "declared_at": "2018-05-03T11:15:00+03:00",
            "reason": CONFLICT,
        },
    ]
    one_1 = export_bundle(call, 1)
    assert "overrides" not in one_1 and one_1 == version_1(bundle)


def test_a_fresh_database_imports_the_same_record(db, tmp_path):
    """export v2 -> a new installation (an empty database, migrated) imports it -> it exports the
    same bundle."""
    call, staff = call_with_record()
    add_selection(call, staff, [stage_of("TTGS-DEMO-0001"), stage_of("TTGS-DEMO-0002")])
    bundle = export_bundle(call)
    assert bundle["committee"]["approvals"] and bundle["admissibility"]["requests"]
    assert in_a_fresh_installation(tmp_path, bundle) == bundle


def _overrides() -> list[tuple]:
    return [
        (
            reference,
            o.from_status,
            o.from_amount,
            o.to_status,
            o.to_amount,
            o.justification,
            o.at,
            o.user_id,
            o.discarded_at,
        )
        for o, reference in database.session.execute(
            select(DecisionOverride, Application.reference)
            .join(ApplicationStage, DecisionOverride.stage_id == ApplicationStage.id)
            .join(Application)
            .order_by(DecisionOverride.id)
        )
    ]


def test_import_restores_overrides_signatures_and_declarations(db):
    call, staff = call_with_record()
    bundle = export_bundle(call)
    before = _overrides()
    assert [o[0] for o in before][:2] == ["TTGS-DEMO-0023", "TTGS-DEMO-0036"] and len(before) == 3
    imported = import_bundle(bundle, replace=True)
    db.session.flush()
    db.session.expire_all()
    assert _overrides() == before
    signed = db.session.scalars(
        select(CallEvaluator).where(
            CallEvaluator.call_id == imported.id, CallEvaluator.impartiality_signed_at.is_not(None)
        )
    ).all()
    assert sorted(m.user.key for m in signed) == ["ev1", "ev2"]
    first = stage_of("TTGS-DEMO-0001")
    by_key = {
        a.evaluator.key: a
        for a in db.session.scalars(select(Assignment).where(Assignment.stage_id == first.id))
    }
    assert (
        by_key["ev3"].conflict is ConflictStatus.conflict
        and by_key["ev3"].conflict_reason == CONFLICT
    )
    assert by_key["ev3"].ended_at is not None and by_key["ev3"].evaluation is None
    assert (
        by_key["ev1"].conflict is ConflictStatus.no_conflict
        and by_key["ev1"].conflict_declared_at is not None
    )
    # a version-2 bundle says which evaluations were declared: the others were not
    other = stage_of("TTGS-DEMO-0002")
    assert {
        a.conflict
        for a in db.session.scalars(select(Assignment).where(Assignment.stage_id == other.id))
    } == {
        ConflictStatus.no_conflict
    }  # the example's declarations (from version 1) were exported as made


def test_staff_not_in_the_database_are_added_inactive(db):
    call, staff = call_with_record()
    bundle = export_bundle(call)
    bundle["staff"][0].update(key="selin", email="selin@ministry.example")
    for item in bundle["overrides"]:
        item["by"] = "selin"
    import_bundle(bundle, replace=True)
    added = db.session.scalar(select(User).where(User.key == "selin"))
    assert (added.role.value, added.active, added.password_hash, added.name) == (
        "staff",
        False,
        None,
        "Selin Yıldız",
    )


def test_staff_e_mail_of_an_applicant_is_refused(db):
    call, staff = call_with_record()
    bundle = export_bundle(call)
    make_user("applicant", email="applicant@example.org")
    bundle["staff"][0].update(key="someone", email="applicant@example.org")
    for item in bundle["overrides"]:
        item["by"] = "someone"
    with pytest.raises(
        BundleError, match=r"\$\.staff\[0\]\.email: 'applicant@example.org' is a applicant user"
    ):
        import_bundle(bundle, replace=True)


def _v2(data: dict) -> dict:
    return {
        **data,
        "version": 2,
        "staff": [],
        "overrides": [],
        "impartiality": [],
        "declarations": [],
    }


def _declared(
    evaluator: str, declaration: str, reference: str = "TTGS-DEMO-0001", reason: str | None = None
) -> dict:
    return {
        "evaluator": evaluator,
        "application": reference,
        "stage": "full_application",
        "declaration": declaration,
        "declared_at": None,
        "reason": reason,
    }


CASES = {
    "unknown version": (
        lambda d: d.update(version=3),
        "$.version: 3 is not a bundle version this installation reads",
    ),
    "version 2 without its record": (
        lambda d: d.pop("overrides"),
        "$: 'overrides' is a required property",
    ),
    "override of an unknown application": (
        lambda d: d["overrides"].append(
            {
                "application": "TTGS-DEMO-0999",
                "stage": "full_application",
                "by": "boss",
                "at": "2018-06-01T10:00:00+03:00",
                "from": {"status": "awarded", "awarded_amount": "1.00"},
                "to": {"status": "reserve", "awarded_amount": None},
                "justification": "Because.",
                "discarded_at": None,
            }
        ),
        "$.overrides[0].application: no application 'TTGS-DEMO-0999' with a full_application stage",
    ),
    "override by someone not in staff": (
        lambda d: d["overrides"].append(
            {
                "application": "TTGS-DEMO-0001",
                "stage": "full_application",
                "by": "boss",
                "at": "2018-06-01T10:00:00+03:00",
                "from": {"status": "awarded", "awarded_amount": "1.00"},
                "to": {"status": "reserve", "awarded_amount": None},
                "justification": "Because.",
                "discarded_at": None,
            }
        ),
        "$.overrides[0].by: unknown staff member 'boss'",
    ),
    "no conflict without an evaluation": (
        lambda d: d["declarations"].append(_declared("ev3", "no_conflict")),
        "$.declarations[0].declaration: 'ev3' declared no conflict but has no evaluation of "
        "TTGS-DEMO-0001",
    ),
    "conflict of an evaluator who evaluates": (
        lambda d: d["declarations"].append(_declared("ev1", "conflict", reason="Cousin")),
        "$.declarations[0].declaration: 'ev1' declared a conflict but evaluates TTGS-DEMO-0001",
    ),
    "declared twice": (
        lambda d: d["declarations"].extend(
            [_declared("ev1", "no_conflict"), _declared("ev1", "no_conflict")]
        ),
        "$.declarations[1]: duplicate declaration (evaluator, application, stage)",
    ),
    "signature of an unknown evaluator": (
        lambda d: d["impartiality"].append(
            {"evaluator": "ev99", "signed_at": "2018-05-02T10:30:00+03:00"}
        ),
        "$.impartiality[0].evaluator: unknown evaluator 'ev99'",
    ),
    "staff member with an evaluator's e-mail": (
        lambda d: d["staff"].append(
            {"key": "boss", "name": "Boss", "email": "assessor1@example.org"}
        ),
        "$.staff[0].email: 'assessor1@example.org' is also an evaluator's e-mail",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_wrong_record_is_refused_with_its_path(db, case):
    data = _v2(small())
    change, expected = CASES[case]
    change(data)
    found = problems(data)
    assert any(p.startswith(expected) for p in found), found
    with pytest.raises(BundleError):
        import_bundle(data)
    assert db.session.scalar(select(Call)) is None


@pytest.mark.parametrize(
    "path", [DATA / "ttgs-demo.bundle.json", SHARED_EXAMPLE], ids=["demo", "shared example"]
)
def test_version_1_bundles_still_import(db, path):
    if not path.exists():
        pytest.skip(f"{path} is not beside the project")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and problems(data) == []
    call = import_bundle(data)
    db.session.flush()
    assert version_1(export_bundle(call)) == data
    assert export_bundle(call, 1) == data
