"""A large ranked call for the export tests and for measuring the PDF report: rows inserted in bulk.

`ranked_call(n)` makes a call in evaluation with three lots and n submitted applications by leads of
several countries and regions: about 4 % inadmissible (with a reason), 2 % withdrawn, the rest
scored by two evaluators of a pool of twenty; then the real ranking (grants.awards.rank_call)
decides them.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from grants.awards import rank_call
from grants.evaluation.services.settle import settle_scores
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    ConflictStatus,
    Evaluation,
    Organisation,
    OrganisationType,
    Role,
    Score,
    Stage,
    StageStatus,
    User,
)
from grants.models.base import now_utc
from tests.factories import make_call

COUNTRIES = ["TR"] * 6 + ["DE", "FR", "IT", "ES", "PL", "NL", "GR", "RO"]
REGIONS = [
    "Adana",
    "Ankara",
    "Antalya",
    "Bursa",
    "Erzurum",
    "Gaziantep",
    "İstanbul",
    "İzmir",
    "Kayseri",
    "Konya",
    "Mersin",
    "Samsun",
    "Trabzon",
    "Van",
    "Bayern",
    "Île-de-France",
    "Lombardia",
    "Andalucía",
    "Mazowieckie",
    "Noord-Holland",
    "Attiki",
    "Nord-Est",
    "Eskişehir",
    "Edirne",
    "Denizli",
    "Muğla",
    "Sivas",
    "Malatya",
]


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(model), rows)


def ranked_call(n: int, reference: str = "BIG-2026", seed: int = 6) -> Call:
    rng = random.Random(seed)
    budget = Decimal("2600000.00")
    call = make_call(
        reference,
        status="evaluation",
        total_budget=budget,
        opens_in=timedelta(days=-60),
        deadline_in=timedelta(days=-5),
        lots=[
            ("Culture", Decimal("866666.67")),
            ("Environment", Decimal("866666.67")),
            ("Youth", Decimal("866666.66")),
        ],
    )
    criteria = [c.id for s in call.grid_for(Stage.full_application).sections for c in s.criteria]
    org0, user0, app0, stage0, assign0 = (
        _next_id(m) for m in (Organisation, User, Application, ApplicationStage, Assignment)
    )
    evaluators = [user0 + k for k in range(20)]
    _insert(
        User,
        [
            {
                "id": uid,
                "email": f"assessor{uid}@example.org",
                "name": f"Assessor {uid}",
                "role": Role.evaluator,
            }
            for uid in evaluators
        ],
    )
    _insert(
        CallEvaluator,
        [
            {"call_id": call.id, "user_id": uid, "impartiality_signed_at": now_utc()}
            for uid in evaluators
        ],
    )
    orgs, apps, stages, assignments, evaluations, scores = [], [], [], [], [], []
    for i in range(n):
        country = rng.choice(COUNTRIES)
        orgs.append(
            {
                "id": org0 + i,
                "name": f"Municipality {i + 1}",
                "type": OrganisationType.municipality,
                "country": country,
                "region": rng.choice(REGIONS),
                "verified_at": now_utc(),
            }
        )
        number = i + 1
        apps.append(
            {
                "id": app0 + i,
                "call_id": call.id,
                "lot_id": call.lots[i % 3].id,
                "lead_id": org0 + i,
                "number": number,
                "reference": f"{reference}-{number:04d}",
                "title": f"Twinning project {number}",
                "requested_grant": Decimal(rng.randrange(60, 131) * 1000),
            }
        )
        roll = rng.random()
        status = (
            StageStatus.inadmissible
            if roll < 0.04
            else StageStatus.withdrawn
            if roll < 0.06
            else StageStatus.admissible
        )
        stages.append(
            {
                "id": stage0 + i,
                "application_id": app0 + i,
                "stage": Stage.full_application,
                "status": status,
                "submitted_at": call.opens_at + timedelta(minutes=number),
                "requested_grant": apps[-1]["requested_grant"],
                "inadmissible_reasons": ["Partnership statement missing"] if roll < 0.04 else [],
                "withdrawn_reason": "The council withdrew its support."
                if status is StageStatus.withdrawn
                else "",
            }
        )
        if status is not StageStatus.admissible:
            continue
        level = rng.randint(2, 5)
        for k in range(2):
            aid = assign0 + len(assignments)
            assignments.append(
                {
                    "id": aid,
                    "stage_id": stage0 + i,
                    "evaluator_id": evaluators[(2 * i + k) % 20],
                    "conflict": ConflictStatus.no_conflict,
                }
            )
            evaluations.append({"id": aid, "assignment_id": aid, "submitted_at": now_utc()})
            scores += [
                {
                    "evaluation_id": aid,
                    "criterion_id": cid,
                    "score": max(1, min(5, level + rng.randint(-1, 1))),
                    "comment": "ok",
                }
                for cid in criteria
            ]
    for model, rows in (
        (Organisation, orgs),
        (Application, apps),
        (ApplicationStage, stages),
        (Assignment, assignments),
        (Evaluation, evaluations),
        (Score, scores),
    ):
        _insert(model, rows)
    call.next_number = n + 1
    db.session.flush()
    settle_scores(
        call
    )  # rows written around evaluation: their final scores stored as a bundle import stores them
    rank_call(call.id)
    db.session.flush()
    return call
