"""The committee and the admissibility clarifications in a bundle (version 2, optional) refer to
users, organisations and stages the bundle holds: a member once, one chair and one secretary,
attendees and approvers who are members (approvers the chair or voting members), a document
request with the partner it names and its answer, one override per check of a stage."""

from __future__ import annotations

from grants.bundle.check_helpers import checked_time, unique
from grants.models.committee import CommitteeRole
from grants.rules.committee import APPROVERS


def check_selection(data: dict, evaluators: set, orgs: set, problems: list[str]) -> None:
    people = evaluators | {s["key"] for s in data["staff"]}
    staff = {s["key"] for s in data["staff"]}
    stages = {
        (a["reference"], name)
        for a in data["applications"]
        for name in ("concept_note", "full_application")
        if a.get(name)
    }
    call = data["call"]
    first, last = call.get("draft_reminder_first_days"), call.get("draft_reminder_last_days")
    if first is not None and last is not None and first <= last:
        problems.append(
            f"$.call.draft_reminder_first_days: {first} is not above draft_reminder_last_days "
            f"({last})"
        )
    if "committee" in data:
        _committee(data["committee"], people, problems)
    if "admissibility" in data:
        _requests(data["admissibility"]["requests"], stages, staff, orgs, problems)
        _check_overrides(data["admissibility"]["check_overrides"], stages, staff, problems)


def _committee(committee: dict, people: set, problems: list[str]) -> None:
    path = "$.committee"
    roles = {}
    unique(
        ((f"{path}.members[{i}].user", m["user"]) for i, m in enumerate(committee["members"])),
        "committee member",
        problems,
    )
    for i, member in enumerate(committee["members"]):
        where = f"{path}.members[{i}]"
        if member["user"] not in people:
            problems.append(f"{where}.user: '{member['user']}' is neither an evaluator nor staff")
        roles[member["user"]] = member["role"]
        checked_time(member["added_at"], f"{where}.added_at", problems)
        checked_time(member["impartiality_signed_at"], f"{where}.impartiality_signed_at", problems)
    for role in (CommitteeRole.chair.value, CommitteeRole.secretary.value):
        if list(roles.values()).count(role) > 1:
            problems.append(f"{path}.members: more than one {role}")
    for i, minutes in enumerate(committee["minutes"]):
        where = f"{path}.minutes[{i}]"
        for j, key in enumerate(minutes["attendees"]):
            if key not in roles:
                problems.append(f"{where}.attendees[{j}]: '{key}' is not a member")
        if minutes["recorded_by"] not in people:
            problems.append(f"{where}.recorded_by: '{minutes['recorded_by']}' is not a user here")
        checked_time(minutes["recorded_at"], f"{where}.recorded_at", problems)
    unique(
        (
            (f"{path}.approvals[{i}].member", a["member"])
            for i, a in enumerate(committee["approvals"])
        ),
        "approval of a member",
        problems,
    )
    for i, approval in enumerate(committee["approvals"]):
        where = f"{path}.approvals[{i}]"
        if roles.get(approval["member"]) not in APPROVERS:
            problems.append(
                f"{where}.member: '{approval['member']}' is not the chair or a voting member"
            )
        checked_time(approval["approved_at"], f"{where}.approved_at", problems)


def _requests(items: list[dict], stages: set, staff: set, orgs: set, problems: list[str]) -> None:
    for i, item in enumerate(items):
        where = f"$.admissibility.requests[{i}]"
        _stage_and_staff(item, item["requested_by"], "requested_by", where, stages, staff, problems)
        statement = item["document"] == "partnership_statement"
        if statement != (item["partner"] is not None):
            problems.append(f"{where}.partner: a partner is named for a partnership statement only")
        if item["partner"] is not None and item["partner"] not in orgs:
            problems.append(f"{where}.partner: unknown organisation '{item['partner']}'")
        if item["document"] == "other" and not item["other"]:
            problems.append(f"{where}.other: name the document asked for")
        asked = checked_time(item["requested_at"], f"{where}.requested_at", problems)
        due = checked_time(item["due_at"], f"{where}.due_at", problems)
        if asked and due and due <= asked:
            problems.append(f"{where}.due_at: must be after requested_at")
        checked_time(item["answered_at"], f"{where}.answered_at", problems)
        if (item["status"] == "answered") != (item["answered_at"] is not None):
            problems.append(f"{where}.answered_at: given exactly when the status is answered")


def _check_overrides(items: list[dict], stages: set, staff: set, problems: list[str]) -> None:
    unique(
        (
            (f"$.admissibility.check_overrides[{i}]", (o["application"], o["stage"], o["check"]))
            for i, o in enumerate(items)
        ),
        "override of a check (application, stage, check)",
        problems,
    )
    for i, item in enumerate(items):
        where = f"$.admissibility.check_overrides[{i}]"
        _stage_and_staff(item, item["by"], "by", where, stages, staff, problems)
        checked_time(item["at"], f"{where}.at", problems)


def _stage_and_staff(
    item: dict, by: str | None, field: str, where: str, stages: set, staff: set, problems: list
) -> None:
    if (item["application"], item["stage"]) not in stages:
        problems.append(
            f"{where}.application: no application '{item['application']}' with a "
            f"{item['stage']} stage"
        )
    if by is not None and by not in staff:
        problems.append(f"{where}.{field}: unknown staff member '{by}'")
