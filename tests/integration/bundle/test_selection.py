"""Bundle version 2 carries the committee (members, minutes, approvals), the admissibility
clarifications (document requests, check overrides) and the call's days for document requests and
reminders: export writes them, import then export gives the same bundle, an imported approval
stands only while the imported ranking gives its fingerprint, and bundles without them still
import with the defaults."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

import grants
from grants.bundle import BundleError, export_bundle, import_bundle, problems
from grants.committee.queries import committee, current_fingerprint
from grants.models import Call, CommitteeMember
from tests.factories.records import call_with_record, stage_of
from tests.factories.selection import ASKED, DAYS, DECISIONS, WHY_MET, add_selection

SCHEMA = Path(grants.__file__).parent / "data" / "call-bundle.v2.schema.json"


@pytest.fixture
def exported(db):
    call, staff = call_with_record()
    add_selection(call, staff, [stage_of("TTGS-DEMO-0001"), stage_of("TTGS-DEMO-0002")])
    return call, staff, export_bundle(call)


def test_export_writes_the_committee_clarifications_and_days(exported):
    call, staff, bundle = exported
    validator = Draft202012Validator(
        json.loads(SCHEMA.read_text(encoding="utf-8")),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    assert not list(validator.iter_errors(bundle))
    members = bundle["committee"]["members"]
    assert [m["role"] for m in members] == ["chair", "secretary", *["voting"] * 3, "observer"]
    assert all(m["impartiality_signed_at"].endswith("+03:00") for m in members)
    staff_keys = {s["key"] for s in bundle["staff"]}
    evaluator_keys = {e["key"] for e in bundle["evaluators"]}
    roles = {m["user"]: m["role"] for m in members}
    # staff members sit as staff[], evaluators as evaluators[]
    assert {k for k, r in roles.items() if r == "voting"} <= evaluator_keys
    assert {k for k, r in roles.items() if r != "voting"} <= staff_keys
    assert f"user-{staff.id}" in staff_keys
    approvals = bundle["committee"]["approvals"]
    assert sorted(roles[a["member"]] for a in approvals) == ["chair", "voting", "voting", "voting"]
    assert {a["fingerprint"] for a in approvals} == {current_fingerprint(call.id)}
    (minutes,) = bundle["committee"]["minutes"]
    assert (minutes["meeting_date"], minutes["decisions"], minutes["recorded_by"]) == (
        "2018-06-04",
        DECISIONS,
        f"user-{staff.id}",
    )
    assert minutes["attendees"] == sorted(m["user"] for m in members[:5])
    answered, open_ = bundle["admissibility"]["requests"]
    assert (answered["application"], answered["document"], answered["status"]) == (
        "TTGS-DEMO-0001",
        "declaration",
        "answered",
    )
    assert (open_["document"], open_["other"], open_["status"], open_["answered_at"]) == (
        "other",
        "Council decision on the partnership",
        "open",
        None,
    )
    assert open_["message"] == ASKED and open_["requested_by"] == f"user-{staff.id}"
    assert bundle["admissibility"]["check_overrides"] == [
        {
            "application": "TTGS-DEMO-0002",
            "stage": "full_application",
            "check": "documents",
            "met": True,
            "reason": WHY_MET,
            "by": f"user-{staff.id}",
            "at": "2018-04-15T10:00:00+03:00",
        }
    ]
    assert {name: bundle["call"][name] for name in DAYS} == DAYS


def test_import_then_export_is_identical_and_the_approvals_stand(exported, db):
    call, _, bundle = exported
    assert committee(call).ready
    imported = import_bundle(copy.deepcopy(bundle), replace=True)
    db.session.flush()
    db.session.expire_all()
    assert export_bundle(imported) == bundle
    again = committee(imported)
    assert again.ready, again.issues  # the same ranking gives the same fingerprint
    assert {r.state for r in again.rows} == {"valid", "not_needed"}
    assert [m.decisions for m in again.minutes] == [DECISIONS]
    assert {name: getattr(imported, name) for name in DAYS} == DAYS


def test_an_imported_approval_is_void_once_the_imported_ranking_differs(exported, db):
    _, _, bundle = exported
    changed = copy.deepcopy(bundle)
    ranked = next(
        a["full_application"] for a in changed["applications"] if a["full_application"]["rank"]
    )
    ranked["rank"] += 100
    imported = import_bundle(changed, replace=True)
    db.session.flush()
    found = committee(imported)
    assert not found.ready
    assert {r.state for r in found.rows if r.member.role.value in ("chair", "voting")} == {"void"}
    assert {r.member.approval.fingerprint for r in found.rows if r.member.approval} != {
        current_fingerprint(imported.id)
    }


def test_a_bundle_without_them_imports_with_the_defaults(exported, db):
    _, _, bundle = exported
    older = copy.deepcopy(bundle)
    del older["committee"], older["admissibility"]
    for name in DAYS:
        del older["call"][name]
    imported = import_bundle(older, replace=True)
    db.session.flush()
    assert (
        imported.document_request_days,
        imported.draft_reminder_first_days,
        imported.draft_reminder_last_days,
        imported.evaluation_reminder_days,
    ) == (7, 7, 1, 3)
    assert db.session.scalar(select(func.count()).select_from(CommitteeMember)) == 0
    again = export_bundle(imported)
    assert again["committee"] == {"members": [], "minutes": [], "approvals": []}
    assert again["admissibility"] == {"requests": [], "check_overrides": []}


def _approval_by_observer(d: dict) -> None:
    observer = next(m["user"] for m in d["committee"]["members"] if m["role"] == "observer")
    d["committee"]["approvals"][0]["member"] = observer


CASES = {
    "member who is nobody": (
        lambda d: d["committee"]["members"][0].update(user="nobody"),
        "$.committee.members[0].user: 'nobody' is neither an evaluator nor staff",
    ),
    "two chairs": (
        lambda d: d["committee"]["members"][1].update(role="chair"),
        "$.committee.members: more than one chair",
    ),
    "approval by an observer": (
        _approval_by_observer,
        "$.committee.approvals[0].member:",
    ),
    "attendee not a member": (
        lambda d: d["committee"]["minutes"][0]["attendees"].append("ev9"),
        "$.committee.minutes[0].attendees[5]: 'ev9' is not a member",
    ),
    "request on an unknown application": (
        lambda d: d["admissibility"]["requests"][0].update(application="TTGS-DEMO-0999"),
        "$.admissibility.requests[0].application: no application 'TTGS-DEMO-0999'",
    ),
    "request answered without a time": (
        lambda d: d["admissibility"]["requests"][0].update(answered_at=None),
        "$.admissibility.requests[0].answered_at: given exactly when the status is answered",
    ),
    "a check overridden twice": (
        lambda d: d["admissibility"]["check_overrides"].append(
            dict(d["admissibility"]["check_overrides"][0])
        ),
        "$.admissibility.check_overrides[1]: duplicate override of a check",
    ),
    "first reminder not before the last": (
        lambda d: d["call"].update(draft_reminder_first_days=2),
        "$.call.draft_reminder_first_days: 2 is not above draft_reminder_last_days (2)",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_wrong_committee_or_clarification_is_refused_with_its_path(exported, db, case):
    call, _, bundle = exported
    data = copy.deepcopy(bundle)
    change, expected = CASES[case]
    change(data)
    found = problems(data)
    assert any(p.startswith(expected) for p in found), found
    with pytest.raises(BundleError):
        import_bundle(data, replace=True)
    assert db.session.scalar(select(Call).where(Call.reference == "TTGS-DEMO")) is call
