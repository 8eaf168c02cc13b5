"""The meaning of a bundle whose shape the JSON Schema has accepted: every key it refers to
exists and is unique, sums add up, times have offsets, texts fit their columns.

Each problem is a string "<JSON path>: <what is wrong>"; nothing here touches the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from grants.bundle.formats import parse_time
from grants.models import (
    Application,
    BudgetLine,
    Call,
    Criterion,
    GridSection,
    Lot,
    Organisation,
    User,
)

_LENGTHS = [
    (("call", "title"), Call.title),
    (("call", "timezone"), Call.timezone),
    (("call", "lots", "*", "name"), Lot.name),
    (("call", "evaluation", "grids", "*", "tie_break_section"), GridSection.code),
    (("call", "evaluation", "grids", "*", "sections", "*", "code"), GridSection.code),
    (("call", "evaluation", "grids", "*", "sections", "*", "title"), GridSection.title),
    (
        ("call", "evaluation", "grids", "*", "sections", "*", "criteria", "*", "code"),
        Criterion.code,
    ),
    (
        ("call", "evaluation", "grids", "*", "sections", "*", "criteria", "*", "title"),
        Criterion.title,
    ),
    (("organisations", "*", "name"), Organisation.name),
    (("organisations", "*", "region"), Organisation.region),
    (("organisations", "*", "legal_id"), Organisation.legal_id),
    (("evaluators", "*", "name"), User.name),
    (("evaluators", "*", "email"), User.email),
    (("applications", "*", "reference"), Application.reference),
    (("applications", "*", "title"), Application.title),
    (("applications", "*", "acronym"), Application.acronym),
    (("applications", "*", "theme"), Application.theme),
    (("applications", "*", "budget", "lines", "*", "description"), BudgetLine.description),
    (("applications", "*", "budget", "lines", "*", "unit"), BudgetLine.unit),
    (("staff", "*", "name"), User.name),
    (("staff", "*", "email"), User.email),
]


def check(data: dict) -> list[str]:
    problems: list[str] = []
    call = data["call"]
    _settings(call, problems)
    grids = _grids(call, problems)
    lots = _lots(call, problems)
    orgs = _unique(
        ((f"$.organisations[{i}].key", o["key"]) for i, o in enumerate(data["organisations"])),
        "organisation key",
        problems,
    )
    evaluators = _evaluators(data["evaluators"], orgs, problems)
    _applications(data["applications"], call, grids, lots, orgs, evaluators, problems)
    _lengths(data, problems)
    if data["version"] >= 2:
        _records(data, evaluators, problems)
    return problems


def _unique(pairs: Iterable[tuple[str, Any]], what: str, problems: list[str]) -> set:
    seen: set = set()
    for path, value in pairs:
        if value in seen:
            problems.append(f"{path}: duplicate {what} '{value}'")
        seen.add(value)
    return seen


def _time(value: str | None, path: str, problems: list[str]):
    try:
        return parse_time(value)
    except ValueError as error:
        problems.append(f"{path}: '{value}' is not a time with a UTC offset ({error})")
        return None


def _not_above(low: Any, high: Any, path: str, names: tuple[str, str], problems: list[str]) -> None:
    if Decimal(low) > Decimal(high):
        problems.append(f"{path}.{names[0]}: {low} is above {names[1]} ({high})")


def _settings(call: dict, problems: list[str]) -> None:
    try:
        ZoneInfo(call["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"$.call.timezone: unknown time zone '{call['timezone']}'")
    opens = _time(call["opens_at"], "$.call.opens_at", problems)
    deadline = _time(call["deadline"], "$.call.deadline", problems)
    concept = _time(call.get("concept_note_deadline"), "$.call.concept_note_deadline", problems)
    if opens and deadline and opens >= deadline:
        problems.append("$.call.deadline: must be after opens_at")
    if call["procedure"] == "restricted" and call.get("concept_note_deadline") is None:
        problems.append(
            "$.call.concept_note_deadline: a restricted call needs a concept-note deadline"
        )
    if concept and opens and deadline and not opens < concept < deadline:
        problems.append("$.call.concept_note_deadline: must fall between opens_at and deadline")
    _not_above(call["grant"]["min"], call["grant"]["max"], "$.call.grant", ("min", "max"), problems)
    _not_above(
        call["grant"]["min_rate"],
        call["grant"]["max_rate"],
        "$.call.grant",
        ("min_rate", "max_rate"),
        problems,
    )
    _not_above(
        call["duration_months"]["min"],
        call["duration_months"]["max"],
        "$.call.duration_months",
        ("min", "max"),
        problems,
    )
    partners = call["eligibility"]["partners"]
    _not_above(
        partners["min"], partners["max"], "$.call.eligibility.partners", ("min", "max"), problems
    )
    grants = call.get("grants")
    if grants is not None:
        _not_above(
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
        section_codes = _unique(
            ((f"{path}.sections[{i}].code", s["code"]) for i, s in enumerate(sections)),
            "section code",
            problems,
        )
        criteria = _unique(
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
    _unique(
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
    keys = _unique(
        ((f"$.evaluators[{i}].key", e["key"]) for i, e in enumerate(evaluators)),
        "evaluator key",
        problems,
    )
    _unique(
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
    _unique(
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
    _unique(numbers, "application number", problems)
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
        _time(partner.get("confirmed_at"), f"{path}.partners[{j}].confirmed_at", problems)
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
    _time(stage.get("submitted_at"), f"{path}.submitted_at", problems)
    if grid is None:
        problems.append(f"{path}: the call has no {name} grid")
        return
    if stage.get("final_score") is not None and Decimal(stage["final_score"]) > grid["max_total"]:
        problems.append(
            f"{path}.final_score: {stage['final_score']} is above the grid's maximum "
            f"({grid['max_total']})"
        )
    evaluations = stage.get("evaluations", [])
    _unique(
        ((f"{path}.evaluations[{k}].evaluator", e["evaluator"]) for k, e in enumerate(evaluations)),
        "evaluator in this stage",
        problems,
    )
    for k, evaluation in enumerate(evaluations):
        where = f"{path}.evaluations[{k}]"
        if evaluation["evaluator"] not in evaluators:
            problems.append(f"{where}.evaluator: unknown evaluator '{evaluation['evaluator']}'")
        _time(evaluation.get("submitted_at"), f"{where}.submitted_at", problems)
        scores = evaluation["scores"]
        _unique(
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


def _lengths(data: dict, problems: list[str]) -> None:
    for selector, column in _LENGTHS:
        limit = column.type.length
        for path, value in _select(data, selector, "$"):
            if isinstance(value, str) and len(value) > limit:
                problems.append(f"{path}: longer than {limit} characters")


def _select(node: Any, selector: tuple[str, ...], path: str) -> Iterator[tuple[str, Any]]:
    """(path, value) of every value the selector reaches; "*" is every item of a list or dict."""
    if not selector:
        yield path, node
        return
    head, rest = selector[0], selector[1:]
    if head == "*" and isinstance(node, list):
        for i, item in enumerate(node):
            yield from _select(item, rest, f"{path}[{i}]")
    elif head == "*" and isinstance(node, dict):
        for key, item in node.items():
            yield from _select(item, rest, f"{path}.{key}")
    elif isinstance(node, dict) and node.get(head) is not None:
        yield from _select(node[head], rest, f"{path}.{head}")


# Version 2: the record of the selection
# --------------------------------------------------------------


def _records(data: dict, evaluators: set, problems: list[str]) -> None:
    """Staff, overrides, signatures and declarations refer to what the bundle holds, once each."""
    stages = {
        (a["reference"], name): a[name]
        for a in data["applications"]
        for name in ("concept_note", "full_application")
        if a.get(name)
    }
    staff = _unique(
        ((f"$.staff[{i}].key", s["key"]) for i, s in enumerate(data["staff"])),
        "staff key",
        problems,
    )
    _unique(
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
        _time(item["at"], f"{path}.at", problems)
        _time(item.get("discarded_at"), f"{path}.discarded_at", problems)
    _unique(
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
        _time(signature["signed_at"], f"$.impartiality[{i}].signed_at", problems)
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
    _unique(
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
        _time(item.get("declared_at"), f"{path}.declared_at", problems)
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
