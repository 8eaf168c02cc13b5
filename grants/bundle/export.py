"""Writing a call as a bundle (version 2 by default; version 1 on request): keys in the schema's
order, numbers and times in the canonical forms of formats.py, validated against the schema before
anyone sees it; the record of the selection that version 2 adds comes from records.py, its grants
from grant_records.py. Reads only:
an organisation or user without a bundle key is written as "org-<id>" / "user-<id>", not given
one."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.bundle import formats as f
from grants.bundle import grant_records, logframe, records
from grants.bundle.selection import REMINDER_DAYS, Selection
from grants.bundle.validate import LATEST, SCHEMAS, BundleError, schema_problems
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    BudgetLine,
    Call,
    CallEvaluator,
    ConflictStatus,
    Evaluation,
    Grid,
    LogframeResult,
    Organisation,
    Partner,
    PartnerStatus,
    Stage,
    User,
)
from grants.models.calls import GRANT_SETTINGS

GRANT_MONEY = ("single_max_grant", "verification_threshold")


def dumps(bundle: dict) -> str:
    """The bundle as JSON text, laid out as the example bundle is."""
    return json.dumps(bundle, ensure_ascii=False, indent=1)


def export_bundle(call: Call, version: int = LATEST) -> dict:
    """The call's bundle in the format version given (the latest by default): its applications that
    have a reference (drafts have none), in number order; from version 2 on, with the record of the
    selection."""
    if version not in SCHEMAS:
        raise BundleError(
            [
                f"$.version: {version} is not a bundle version this installation writes "
                f"({', '.join(map(str, SCHEMAS))})"
            ]
        )
    apps = db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id, Application.reference.is_not(None))
        .options(
            selectinload(Application.lot),
            selectinload(Application.lead),
            selectinload(Application.stages),
            selectinload(Application.partners).selectinload(Partner.organisation),
            selectinload(Application.budget_lines).selectinload(BudgetLine.organisation),
            selectinload(Application.results).selectinload(LogframeResult.indicators),
        )
        .order_by(Application.number, Application.id)
    ).all()
    evaluations = _evaluations(apps)
    declared = records.declarations(apps, _user_key) if version >= 2 else []
    selection = Selection(call) if version >= 2 else None
    named = selection.evaluators() if selection else []
    evaluators = _evaluators(call, evaluations, [d.evaluator for d in declared] + named)
    criteria = _criteria(call)
    grants = grant_records.grants_of(call) if version >= 2 else []
    bundle = {
        "format": "call-bundle",
        "version": version,
        "call": _call(call, version),
        "organisations": [
            _organisation(o)
            for o in _organisations(apps, evaluators, grant_records.organisations(grants))
        ],
        "evaluators": [
            {
                "key": _user_key(u),
                "name": u.name,
                "email": u.email,
                "organisation": _org_key(u.organisation) if u.organisation else None,
            }
            for u in evaluators
        ],
        "applications": [_application(app, call.timezone, criteria, evaluations) for app in apps],
    }
    if selection is not None:
        bundle.update(records.export_records(call, declared, _user_key, selection.staff()))
        bundle.update(selection.export(_user_key, _org_key))
        bundle["call"]["logframe_required"] = call.logframe_required
        bundle["call"].update({name: getattr(call, name) for name in REMINDER_DAYS})
        for item, app in zip(bundle["applications"], apps):
            item["logframe"] = logframe.export_logframe(app)
        bundle["grants"] = grant_records.export_grants(call, grants, _org_key)
    problems = schema_problems(bundle, version)
    if problems:
        raise BundleError(problems)
    return bundle


def _org_key(org: Organisation) -> str:
    return org.key or f"org-{org.id}"


def _user_key(user: User) -> str:
    return user.key or f"user-{user.id}"


def _evaluations(apps: list[Application]) -> dict[int, list[Assignment]]:
    """Stage id -> its live assignments (not ended by a conflict), in the order they were made."""
    stage_ids = [s.id for app in apps for s in app.stages]
    assignments = (
        db.session.scalars(
            select(Assignment)
            .where(
                Assignment.stage_id.in_(stage_ids),
                Assignment.ended_at.is_(None),
                Assignment.conflict != ConflictStatus.conflict,
            )
            .options(
                selectinload(Assignment.evaluator).selectinload(User.organisation),
                selectinload(Assignment.evaluation).selectinload(Evaluation.scores),
            )
            .order_by(Assignment.id)
        ).all()
        if stage_ids
        else []
    )
    by_stage: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_stage.setdefault(assignment.stage_id, []).append(assignment)
    return by_stage


def _evaluators(
    call: Call, evaluations: dict[int, list[Assignment]], declarants: list[User]
) -> list[User]:
    """The call's pool, then anyone who evaluated, declared a conflict of interest or sits on the
    committee without being in it."""
    pool = list(
        db.session.scalars(
            select(User)
            .join(CallEvaluator, CallEvaluator.user_id == User.id)
            .where(CallEvaluator.call_id == call.id)
            .options(selectinload(User.organisation))
            .order_by(CallEvaluator.id)
        )
    )
    for assignments in evaluations.values():
        for assignment in assignments:
            if assignment.evaluator not in pool:
                pool.append(assignment.evaluator)
    listed = set(pool)
    return pool + [user for user in dict.fromkeys(declarants) if user not in listed]


def _organisations(
    apps: list[Application], evaluators: list[User], granted: Iterable[Organisation]
) -> list[Organisation]:
    """Every organisation the call refers to, in order of first mention (its grants' budget lines
    last: a partner an amendment brought in)."""
    seen: dict[int, Organisation] = {}
    for app in apps:
        for org in [
            app.lead,
            *(p.organisation for p in app.partners),
            *(b.organisation for b in app.budget_lines),
        ]:
            seen.setdefault(org.id, org)
    for user in evaluators:
        if user.organisation is not None:
            seen.setdefault(user.organisation.id, user.organisation)
    for org in granted:
        seen.setdefault(org.id, org)
    return list(seen.values())


def _organisation(org: Organisation) -> dict:
    return {
        "key": _org_key(org),
        "name": org.name,
        "type": org.type.value,
        "country": org.country,
        "region": org.region,
        "population": org.population,
        "legal_id": org.legal_id,
    }


def _grant_settings(call: Call) -> dict:
    """Version 2's settings of the call's grants (docs/domain.md 7)."""
    settings = {}
    for name in GRANT_SETTINGS:
        value = getattr(call, name)
        if isinstance(value, Decimal):
            value = f.money(value) if name in GRANT_MONEY else f.rate(value)
        settings[name] = value
    return settings


def _call(call: Call, version: int) -> dict:
    zone = call.timezone
    grids = {
        stage.value: _grid(call.grid_for(stage))
        for stage in (Stage.full_application, Stage.concept_note)
        if call.grid_for(stage) is not None
    }
    return {
        "reference": call.reference,
        "title": call.title,
        "description": call.description,
        "currency": call.currency,
        "timezone": zone,
        "procedure": call.procedure.value,
        "status": call.status.value,
        "opens_at": f.time(call.opens_at, zone),
        "concept_note_deadline": f.time(call.concept_note_deadline, zone),
        "deadline": f.time(call.deadline, zone),
        "total_budget": f.money(call.total_budget),
        "lots": [
            {
                "code": lot.code,
                "name": lot.name,
                "budget": f.money(lot.budget),
                "themes": lot.themes,
            }
            for lot in call.lots
        ],
        "themes": call.themes,
        "grant": {
            "min": f.money(call.grant_min),
            "max": f.money(call.grant_max),
            "min_rate": f.rate(call.min_rate),
            "max_rate": f.rate(call.max_rate),
        },
        "duration_months": {"min": call.duration_min, "max": call.duration_max},
        "cost_caps": {
            "indirect_rate": f.rate(call.indirect_rate),
            "contingency_rate": f.rate(call.contingency_rate),
        },
        "eligibility": {
            "lead": {"countries": call.lead_countries, "organisation_types": call.lead_types},
            "partner": {
                "countries": call.partner_countries,
                "organisation_types": call.partner_types,
            },
            "partners": {"min": call.partners_min, "max": call.partners_max},
            "country_groups": call.country_groups,
            "max_applications_per_lead": call.max_applications_per_lead,
        },
        "evaluation": {
            "evaluators_per_application": call.evaluators_per_application,
            "discrepancy_threshold": f.decimal(call.discrepancy_threshold),
            "reserve_list_length": call.reserve_list_length,
            "award_rule": call.award_rule.value,
            "shortlist_ratio": f.decimal(call.shortlist_ratio, 1),
            "grids": grids,
        },
        **({"grants": _grant_settings(call)} if version >= 2 else {}),
    }


def _grid(grid: Grid) -> dict:
    return {
        "max_total": grid.max_total,
        "pass_threshold": f.decimal(grid.pass_threshold),
        "tie_break_section": grid.tie_break_section,
        "sections": [
            {
                "code": s.code,
                "title": s.title or s.title_tr,
                "threshold": f.decimal(s.threshold),
                "criteria": [
                    {"code": c.code, "title": c.title or c.title_tr, "weight": c.weight}
                    for c in s.criteria
                ],
            }
            for s in grid.sections
        ],
    }


def _criteria(call: Call) -> dict[int, tuple[int, int, str]]:
    """Criterion id -> (section position, criterion position, code): scores are written in grid
    order."""
    return {
        c.id: (s.position, c.position, c.code)
        for g in call.grids
        for s in g.sections
        for c in s.criteria
    }


def _application(
    app: Application, zone: str, criteria: dict, evaluations: dict[int, list[Assignment]]
) -> dict:
    stages = {
        s.stage.value: _stage(s, evaluations.get(s.id, []), zone, criteria) for s in app.stages
    }
    return {
        "reference": app.reference,
        "lot": app.lot.code if app.lot else None,
        "lead": _org_key(app.lead),
        "partners": [
            {"organisation": _org_key(p.organisation), "confirmed_at": f.time(p.confirmed_at, zone)}
            for p in app.partners
            if p.status is not PartnerStatus.declined
        ],
        "title": app.title,
        "acronym": app.acronym,
        "theme": app.theme,
        "summary": app.summary,
        "duration_months": app.duration_months,
        "budget": {
            "lines": [
                {
                    "heading": line.heading,
                    "description": line.description,
                    "unit": line.unit,
                    "quantity": f.decimal(line.quantity),
                    "unit_cost": f.money(line.unit_cost),
                    "organisation": _org_key(line.organisation),
                }
                for line in app.budget_lines
            ],
            "indirect": f.money(app.indirect),
            "contingency": f.money(app.contingency),
            "requested_grant": f.money(app.requested_grant),
        },
        "concept_note": stages.get("concept_note"),
        "full_application": stages.get("full_application"),
    }


def _stage(
    stage: ApplicationStage, assignments: list[Assignment], zone: str, criteria: dict
) -> dict:
    out = {"status": stage.status.value, "submitted_at": f.time(stage.submitted_at, zone)}
    if stage.requested_grant is not None:
        out["requested_grant"] = f.money(stage.requested_grant)
    out["inadmissible_reasons"] = stage.inadmissible_reasons
    out["evaluations"] = [_evaluation(a, zone, criteria) for a in assignments]
    out.update(
        final_score=f.decimal(stage.final_score, 2),
        rank=stage.rank,
        awarded_amount=f.money(stage.awarded_amount),
    )
    return out


def _evaluation(assignment: Assignment, zone: str, criteria: dict) -> dict:
    evaluation = assignment.evaluation
    scores = sorted(evaluation.scores, key=lambda s: criteria[s.criterion_id]) if evaluation else []
    return {
        "evaluator": _user_key(assignment.evaluator),
        "submitted_at": f.time(evaluation.submitted_at, zone) if evaluation else None,
        "scores": [
            {"criterion": criteria[s.criterion_id][2], "score": s.score, "comment": s.comment}
            for s in scores
            if s.score is not None
        ],
    }  # a draft's comment without a score stays out
