"""Loading a bundle's applications (grants.bundle.import_): each with its partners, budget lines
and stages, each stage with its assignments and evaluations; the running references and numbers
and the awarded totals as the call keeps them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from grants.bundle import logframe
from grants.bundle.formats import parse_decimal, parse_time
from grants.bundle.records import Records, ended_assignment
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    BudgetLine,
    Call,
    ConflictStatus,
    Evaluation,
    Organisation,
    Partner,
    PartnerStatus,
    Score,
    Stage,
    StageStatus,
    User,
)
from grants.models.base import now_utc


def add_applications(
    items: list[dict],
    call: Call,
    orgs: dict[str, Organisation],
    users: dict[str, User],
    kept: Records,
) -> dict[tuple[str, str], ApplicationStage]:
    """Add the applications; their stages by (reference, stage name)."""
    lots = {lot.code: lot for lot in call.lots}
    stages = {}
    criteria = {
        grid.stage.value: {c.code: c.id for s in grid.sections for c in s.criteria}
        for grid in call.grids
    }
    awarded: dict[str | None, Decimal] = defaultdict(Decimal)
    numbers = []
    for item in items:
        number = int(item["reference"].removeprefix(call.reference + "-"))
        budget = item["budget"]
        app = Application(
            call_id=call.id,
            lot_id=lots[item["lot"]].id if item.get("lot") else None,
            lead_id=orgs[item["lead"]].id,
            number=number,
            reference=item["reference"],
            title=item["title"],
            acronym=item.get("acronym", ""),
            theme=item.get("theme", ""),
            summary=item.get("summary", ""),
            duration_months=item["duration_months"],
            indirect=Decimal(budget["indirect"]),
            contingency=Decimal(budget["contingency"]),
            requested_grant=Decimal(budget["requested_grant"]),
            partners=[_partner(j, p, orgs) for j, p in enumerate(item["partners"])],
            budget_lines=[_budget_line(j, line, orgs) for j, line in enumerate(budget["lines"])],
            **logframe.import_logframe(item.get("logframe")),
        )
        for name in ("concept_note", "full_application"):
            if item.get(name):
                stage = _stage(
                    name,
                    item[name],
                    users,
                    criteria[name],
                    call.evaluators_per_application,
                    lambda key, name=name: kept.conflict_of(item["reference"], name, key),
                )
                for declared in kept.conflicts(item["reference"], name):
                    db.session.add(ended_assignment(declared, stage, users[declared["evaluator"]]))
                app.stages.append(stage)
                stages[(item["reference"], name)] = stage
                awarded[item.get("lot")] += parse_decimal(item[name].get("awarded_amount")) or 0
        numbers.append(number)
        db.session.add(app)
    call.next_number = max(numbers, default=0) + 1
    call.awarded_total = sum(awarded.values(), Decimal("0.00"))
    for code, lot in lots.items():
        lot.awarded_total = awarded[code]
    return stages


def recorded_finals(
    items: list[dict], stages: dict[tuple[str, str], ApplicationStage]
) -> dict[int, Decimal]:
    """Stage id -> the final score the bundle records for it (stored by evaluation's writer)."""
    return {
        stages[(item["reference"], name)].id: Decimal(item[name]["final_score"])
        for item in items
        for name in ("concept_note", "full_application")
        if item.get(name) and item[name].get("final_score") is not None
    }


def _partner(position: int, item: dict, orgs: dict[str, Organisation]) -> Partner:
    confirmed_at = parse_time(item.get("confirmed_at"))
    return Partner(
        position=position,
        organisation_id=orgs[item["organisation"]].id,
        confirmed_at=confirmed_at,
        status=PartnerStatus.confirmed if confirmed_at else PartnerStatus.proposed,
    )


def _budget_line(position: int, item: dict, orgs: dict[str, Organisation]) -> BudgetLine:
    return BudgetLine(
        position=position,
        heading=item["heading"],
        description=item["description"],
        unit=item.get("unit", ""),
        quantity=Decimal(item["quantity"]),
        unit_cost=Decimal(item["unit_cost"]),
        organisation_id=orgs[item["organisation"]].id,
    )


def _stage(
    name: str,
    item: dict,
    users: dict[str, User],
    criteria: dict[str, int],
    per_application: int,
    declared: Callable[[str], tuple[ConflictStatus, datetime | None]],
) -> ApplicationStage:
    stage = ApplicationStage(
        stage=Stage(name),
        status=StageStatus(item["status"]),
        submitted_at=parse_time(item.get("submitted_at")),
        requested_grant=parse_decimal(item.get("requested_grant")),
        inadmissible_reasons=item.get("inadmissible_reasons", []),
        rank=item.get("rank"),
        awarded_amount=parse_decimal(item.get("awarded_amount")),
    )
    if stage.submitted_at is not None:  # a bundle holds the one submission each stage counts
        stage.first_submitted_at, stage.submissions = stage.submitted_at, 1
    for k, evaluation in enumerate(item.get("evaluations", [])):
        conflict, declared_at = declared(evaluation["evaluator"])
        # evaluators beyond the call's number per application were the extra one after a discrepancy
        db.session.add(
            Assignment(
                stage=stage,
                evaluator_id=users[evaluation["evaluator"]].id,
                extra=k >= per_application,
                conflict=conflict,
                conflict_declared_at=declared_at,
                evaluation=_evaluation(evaluation, criteria),
            )
        )
    return stage


def _evaluation(item: dict, criteria: dict[str, int]) -> Evaluation | None:
    submitted_at = parse_time(item.get("submitted_at"))
    if submitted_at is None and not item["scores"]:
        return None
    return Evaluation(
        started_at=submitted_at or now_utc(),
        submitted_at=submitted_at,
        scores=[
            Score(
                criterion_id=criteria[s["criterion"]],
                score=s["score"],
                comment=s.get("comment", ""),
            )
            for s in item["scores"]
        ],
    )
