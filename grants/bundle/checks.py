"""The meaning of a bundle whose shape the JSON Schema has accepted: every key it refers to
exists and is unique, sums add up, times have offsets, texts fit their columns.

Each problem is a string "<JSON path>: <what is wrong>"; nothing here touches the database.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from grants.bundle.check_grants import check_grants
from grants.bundle.check_helpers import checked_time, not_above, unique
from grants.bundle.check_lengths import check_lengths
from grants.bundle.check_records import check_records
from grants.bundle.check_selection import check_selection


def check(data: dict) -> list[str]:
    problems: list[str] = []
    call = data["call"]
    _settings(call, problems)
    grids = _grids(call, problems)
    lots = _lots(call, problems)
    orgs = unique(
        ((f"$.organisations[{i}].key", o["key"]) for i, o in enumerate(data["organisations"])),
        "organisation key",
        problems,
    )
    evaluators = _evaluators(data["evaluators"], orgs, problems)
    _applications(data["applications"], call, grids, lots, orgs, evaluators, problems)
    check_lengths(data, problems)
    if data["version"] >= 2:
        check_records(data, evaluators, problems)
        check_selection(data, evaluators, orgs, problems)
        check_grants(data, orgs, problems)
    return problems


def _settings(call: dict, problems: list[str]) -> None:
    try:
        ZoneInfo(call["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"$.call.timezone: unknown time zone '{call['timezone']}'")
    opens = checked_time(call["opens_at"], "$.call.opens_at", problems)
    deadline = checked_time(call["deadline"], "$.call.deadline", problems)
    concept = checked_time(
        call.get("concept_note_deadline"), "$.call.concept_note_deadline", problems
    )
    if opens and deadline and opens >= deadline:
        problems.append("$.call.deadline: must be after opens_at")
    if call["procedure"] == "restricted" and call.get("concept_note_deadline") is None:
        problems.append(
            "$.call.concept_note_deadline: a restricted call needs a concept-note deadline"
        )
    if concept and opens and deadline and not opens < concept < deadline:
        problems.append("$.call.concept_note_deadline: must fall between opens_at and deadline")
    not_above(call["grant"]["min"], call["grant"]["max"], "$.call.grant", ("min", "max"), problems)
    not_above(
        call["grant"]["min_rate"],
        call["grant"]["max_rate"],
        "$.call.grant",
        ("min_rate", "max_rate"),
        problems,
    )
    not_above(
        call["duration_months"]["min"],
        call["duration_months"]["max"],
        "$.call.duration_months",
        ("min", "max"),
        problems,
    )
    partners = call["eligibility"]["partners"]
    not_above(
        partners["min"], partners["max"], "$.call.eligibility.partners", ("min", "max"), problems
    )
    grants = call.get("grants")
    if grants is not None:
        not_above(
            grants["single_prefinancing_rate"],
            grants["prefinancing_ceiling_rate"],
            "$.call.grants",
            ("single_prefinancing_rate", "prefinancing_ceiling_rate"),
            problems,
        )


def _grids(call: dict, problems: list[str]) -> dict[str, dict]:
    """Per stage: the grid's criterion codes and maximum total."""
    grids = {}
    for stage, grid in call["evaluation"]["grids"].items():
        path = f"$.call.evaluation.grids.{stage}"
        sections = grid["sections"]
        section_codes = unique(
            ((f"{path}.sections[{i}].code", s["code"]) for i, s in enumerate(sections)),
            "section code",
            problems,
        )
        criteria = unique(
            (
                (f"{path}.sections[{i}].criteria[{j}].code", c["code"])
                for i, s in enumerate(sections)
                for j, c in enumerate(s["criteria"])
            ),
            "criterion code",
            problems,
        )
        total = sum(5 * c["weight"] for s in sections for c in s["criteria"])
        if grid["max_total"] != total:
            problems.append(
                f"{path}.max_total: {grid['max_total']} is not the sum of 5 x weight "
                f"over the criteria ({total})"
            )
        if Decimal(grid["pass_threshold"]) > grid["max_total"]:
            problems.append(
                f"{path}.pass_threshold: {grid['pass_threshold']} is above max_total "
                f"({grid['max_total']})"
            )
        if grid["tie_break_section"] not in section_codes:
            problems.append(
                f"{path}.tie_break_section: no section '{grid['tie_break_section']}' in this grid"
            )
        for i, section in enumerate(sections):
            most = sum(5 * c["weight"] for c in section["criteria"])
            if section.get("threshold") is not None and Decimal(section["threshold"]) > most:
                problems.append(
                    f"{path}.sections[{i}].threshold: {section['threshold']} is above "
                    f"the section's maximum ({most})"
                )
        grids[stage] = {"criteria": criteria, "max_total": grid["max_total"]}
    if call["procedure"] == "restricted" and "concept_note" not in grids:
        problems.append("$.call.evaluation.grids: a restricted call needs a concept_note grid")
    return grids


def _lots(call: dict, problems: list[str]) -> dict[str, int]:
    """Lot code -> position in the call's lots."""
    lots = call["lots"]
    unique(
        ((f"$.call.lots[{i}].code", lot["code"]) for i, lot in enumerate(lots)),
        "lot code",
        problems,
    )
    total = sum((Decimal(lot["budget"]) for lot in lots), Decimal(0))
    if lots and total != Decimal(call["total_budget"]):
        problems.append(
            f"$.call.lots: the lots' budgets add up to {total}, "
            f"not the total budget ({call['total_budget']})"
        )
    return {lot["code"]: i for i, lot in enumerate(lots)}


def _evaluators(evaluators: list[dict], orgs: set, problems: list[str]) -> set:
    keys = unique(
        ((f"$.evaluators[{i}].key", e["key"]) for i, e in enumerate(evaluators)),
        "evaluator key",
        problems,
    )
    unique(
        ((f"$.evaluators[{i}].email", e["email"].lower()) for i, e in enumerate(evaluators)),
        "e-mail",
        problems,
    )
    for i, evaluator in enumerate(evaluators):
        if evaluator.get("organisation") is not None and evaluator["organisation"] not in orgs:
            problems.append(
                f"$.evaluators[{i}].organisation: unknown organisation "
                f"'{evaluator['organisation']}'"
            )
    return keys


def _applications(
    apps: list[dict],
    call: dict,
    grids: dict,
    lots: dict,
    orgs: set,
    evaluators: set,
    problems: list[str],
) -> None:
    prefix = call["reference"] + "-"
    unique(
        ((f"$.applications[{i}].reference", a["reference"]) for i, a in enumerate(apps)),
        "reference",
        problems,
    )
    numbers: list[tuple[str, int]] = []
    awarded: dict[int | None, Decimal] = defaultdict(Decimal)
    for i, app in enumerate(apps):
        path = f"$.applications[{i}]"
        suffix = app["reference"].removeprefix(prefix)
        if not app["reference"].startswith(prefix) or not suffix.isdigit():
            problems.append(
                f"{path}.reference: '{app['reference']}' is not the call's reference "
                f"'{call['reference']}' "
                "followed by a number"
            )
        else:
            numbers.append((f"{path}.reference", int(suffix)))
        _lot(app.get("lot"), lots, path, problems)
        _partnership(app, orgs, path, problems)
        for stage in ("concept_note", "full_application"):
            if app.get(stage):
                _stage(app[stage], f"{path}.{stage}", stage, grids.get(stage), evaluators, problems)
                awarded[lots.get(app.get("lot"))] += Decimal(app[stage].get("awarded_amount") or 0)
    unique(numbers, "application number", problems)
    _awards(call, awarded, problems)


def _lot(lot: str | None, lots: dict, path: str, problems: list[str]) -> None:
    if lot is None and lots:
        problems.append(f"{path}.lot: the call has lots: every application needs one")
    elif lot is not None and lot not in lots:
        problems.append(f"{path}.lot: unknown lot '{lot}'")


def _partnership(app: dict, orgs: set, path: str, problems: list[str]) -> None:
    if app["lead"] not in orgs:
        problems.append(f"{path}.lead: unknown organisation '{app['lead']}'")
    party = {app["lead"]}
    for j, partner in enumerate(app["partners"]):
        key = partner["organisation"]
        if key not in orgs:
            problems.append(f"{path}.partners[{j}].organisation: unknown organisation '{key}'")
        elif key in party:
            problems.append(
                f"{path}.partners[{j}].organisation: '{key}' is already in the partnership"
            )
        party.add(key)
        checked_time(partner.get("confirmed_at"), f"{path}.partners[{j}].confirmed_at", problems)
    for j, line in enumerate(app["budget"]["lines"]):
        key = line["organisation"]
        if key not in orgs:
            problems.append(f"{path}.budget.lines[{j}].organisation: unknown organisation '{key}'")
        elif key not in party:
            problems.append(
                f"{path}.budget.lines[{j}].organisation: '{key}' is neither the lead nor a partner"
            )


def _stage(
    stage: dict, path: str, name: str, grid: dict | None, evaluators: set, problems: list[str]
) -> None:
    checked_time(stage.get("submitted_at"), f"{path}.submitted_at", problems)
    if grid is None:
        problems.append(f"{path}: the call has no {name} grid")
        return
    if stage.get("final_score") is not None and Decimal(stage["final_score"]) > grid["max_total"]:
        problems.append(
            f"{path}.final_score: {stage['final_score']} is above the grid's maximum "
            f"({grid['max_total']})"
        )
    evaluations = stage.get("evaluations", [])
    unique(
        ((f"{path}.evaluations[{k}].evaluator", e["evaluator"]) for k, e in enumerate(evaluations)),
        "evaluator in this stage",
        problems,
    )
    for k, evaluation in enumerate(evaluations):
        where = f"{path}.evaluations[{k}]"
        if evaluation["evaluator"] not in evaluators:
            problems.append(f"{where}.evaluator: unknown evaluator '{evaluation['evaluator']}'")
        checked_time(evaluation.get("submitted_at"), f"{where}.submitted_at", problems)
        scores = evaluation["scores"]
        unique(
            ((f"{where}.scores[{m}].criterion", s["criterion"]) for m, s in enumerate(scores)),
            "criterion in this evaluation",
            problems,
        )
        for m, score in enumerate(scores):
            if score["criterion"] not in grid["criteria"]:
                problems.append(
                    f"{where}.scores[{m}].criterion: no criterion '{score['criterion']}' "
                    f"in the {name} grid"
                )


def _awards(call: dict, awarded: dict[int | None, Decimal], problems: list[str]) -> None:
    for position, lot in enumerate(call["lots"]):
        if awarded.get(position, 0) > Decimal(lot["budget"]):
            problems.append(
                f"$.call.lots[{position}].budget: the awards in this lot add up to "
                f"{awarded[position]}, "
                f"more than its budget ({lot['budget']})"
            )
    total = sum(awarded.values(), Decimal(0))
    if total > Decimal(call["total_budget"]):
        problems.append(
            f"$.call.total_budget: the awards add up to {total}, more than the total budget "
            f"({call['total_budget']})"
        )
