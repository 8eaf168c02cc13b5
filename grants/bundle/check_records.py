"""The record of the selection in a bundle (version 2): the decisions staff changed by hand and
the evaluators' declarations refer to stages, staff and evaluators that exist, once each, at times
with offsets."""

from __future__ import annotations

from grants.bundle.check_helpers import checked_time, unique


def check_records(data: dict, evaluators: set, problems: list[str]) -> None:
    """Staff, overrides, signatures and declarations refer to what the bundle holds, once each."""
    stages = {
        (a["reference"], name): a[name]
        for a in data["applications"]
        for name in ("concept_note", "full_application")
        if a.get(name)
    }
    staff = unique(
        ((f"$.staff[{i}].key", s["key"]) for i, s in enumerate(data["staff"])),
        "staff key",
        problems,
    )
    unique(
        ((f"$.staff[{i}].email", s["email"].lower()) for i, s in enumerate(data["staff"])),
        "e-mail",
        problems,
    )
    emails = {e["email"].lower() for e in data["evaluators"]}
    for i, member in enumerate(data["staff"]):
        if member["key"] in evaluators:
            problems.append(f"$.staff[{i}].key: '{member['key']}' is also an evaluator's key")
        if member["email"].lower() in emails:
            problems.append(
                f"$.staff[{i}].email: '{member['email']}' is also an evaluator's e-mail"
            )
    for i, item in enumerate(data["overrides"]):
        path = f"$.overrides[{i}]"
        _stage_of(stages, item, path, problems)
        if item["by"] not in staff:
            problems.append(f"{path}.by: unknown staff member '{item['by']}'")
        checked_time(item["at"], f"{path}.at", problems)
        checked_time(item.get("discarded_at"), f"{path}.discarded_at", problems)
    unique(
        (
            (f"$.impartiality[{i}].evaluator", s["evaluator"])
            for i, s in enumerate(data["impartiality"])
        ),
        "signature of an evaluator",
        problems,
    )
    for i, signature in enumerate(data["impartiality"]):
        if signature["evaluator"] not in evaluators:
            problems.append(
                f"$.impartiality[{i}].evaluator: unknown evaluator '{signature['evaluator']}'"
            )
        checked_time(signature["signed_at"], f"$.impartiality[{i}].signed_at", problems)
    _declarations(data["declarations"], stages, evaluators, problems)


def _stage_of(stages: dict, item: dict, path: str, problems: list[str]) -> dict | None:
    stage = stages.get((item["application"], item["stage"]))
    if stage is None:
        problems.append(
            f"{path}.application: no application '{item['application']}' with a {item['stage']} "
            f"stage"
        )
    return stage


def _declarations(items: list[dict], stages: dict, evaluators: set, problems: list[str]) -> None:
    """A declaration of no conflict goes with the evaluator's evaluation of the stage; a conflict
    ended the assignment, so it goes with none; and one declaration per evaluator and stage."""
    unique(
        (
            (f"$.declarations[{i}]", (d["evaluator"], d["application"], d["stage"]))
            for i, d in enumerate(items)
        ),
        "declaration (evaluator, application, stage)",
        problems,
    )
    for i, item in enumerate(items):
        path = f"$.declarations[{i}]"
        if item["evaluator"] not in evaluators:
            problems.append(f"{path}.evaluator: unknown evaluator '{item['evaluator']}'")
        checked_time(item.get("declared_at"), f"{path}.declared_at", problems)
        stage = _stage_of(stages, item, path, problems)
        if stage is None:
            continue
        evaluated = any(e["evaluator"] == item["evaluator"] for e in stage.get("evaluations", []))
        if item["declaration"] == "no_conflict" and not evaluated:
            problems.append(
                f"{path}.declaration: '{item['evaluator']}' declared no conflict but has no "
                f"evaluation "
                f"of {item['application']} ({item['stage']})"
            )
        if item["declaration"] == "conflict" and evaluated:
            problems.append(
                f"{path}.declaration: '{item['evaluator']}' declared a conflict but evaluates "
                f"{item['application']} ({item['stage']})"
            )
        if item["declaration"] == "no_conflict" and item.get("reason") is not None:
            problems.append(f"{path}.reason: a declaration of no conflict has no reason")
