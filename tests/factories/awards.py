"""Calls built from models for ranking and decisions, the example call and its expected outcome,
and the decision pages' helpers."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

from sqlalchemy import select

import grants
from grants.evaluation.services.settle import settle_scores
from grants.extensions import db as database
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    ConflictStatus,
    Evaluation,
    Role,
    Score,
    Stage,
    StageStatus,
    User,
)
from grants.models.base import now_utc
from tests.factories import make_application, make_call, make_org

EXAMPLE = Path(grants.__file__).parent / "data" / "ttgs-demo.bundle.json"


EXPECTED = json.loads((Path(__file__).parents[1] / "data" / "ttgs-demo.expected.json").read_text())


def add_application(
    call: Call,
    scores: list[int],
    requested: str = "60000.00",
    lot=None,
    stage: Stage = Stage.full_application,
    submitted: list[bool] | None = None,
) -> Application:
    """An admissible application with one evaluation per entry of `scores`, which gives that whole
    score to every criterion of the stage's grid (the default full-application grid totals 20 x the
    score); its final score stored as a bundle import stores it."""
    number = call.next_number
    call.next_number += 1
    app = Application(
        call=call,
        lot=lot,
        lead=make_org(),
        number=number,
        reference=f"{call.reference}-{number:04d}",
        requested_grant=D(requested),
    )
    row = ApplicationStage(
        stage=stage,
        status=StageStatus.admissible,
        requested_grant=D(requested),
        submitted_at=call.opens_at + timedelta(minutes=number),
    )
    app.stages.append(row)
    database.session.add(app)
    criteria = [c for s in call.grid_for(stage).sections for c in s.criteria]
    for k, given in enumerate(scores):
        done = submitted is None or submitted[k]
        database.session.add(
            Assignment(
                stage=row,
                evaluator=User(
                    email=f"{app.reference}-{k}@example.org".lower(),
                    name="Assessor",
                    role=Role.evaluator,
                ),
                conflict=ConflictStatus.no_conflict,
                evaluation=Evaluation(
                    submitted_at=now_utc() if done else None,
                    scores=[Score(criterion_id=c.id, score=given) for c in criteria],
                ),
            )
        )
    database.session.flush()
    settle_scores(call, [row])
    return app


def outcome(app: Application) -> tuple:
    stage = app.stages[0]
    return stage.status.value, stage.rank, stage.awarded_amount


WHY = "The evaluation committee agreed on this change at its meeting."


def stage(db, reference: str) -> ApplicationStage:
    db.session.expire_all()
    return db.session.scalar(
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .where(Application.reference == reference)
    )


def override_url(call: Call, reference: str, db) -> str:
    return f"/staff/calls/{call.id}/ranking/{stage(db, reference).id}/override"


def text(response) -> str:
    return response.get_data(as_text=True)


def decided_call(session, title: str = "Yeşil ikiz kentler: {lead} ile iklim eylem planı"):
    """A call whose decisions are final: two grants awarded (lots 1 and 2; `title` names each
    project after its lead), one application on the reserve list."""
    call = make_call(
        reference="TTGS-2025",
        title="Town Twinning 2025",
        status="decided",
        opens_in=timedelta(days=-120),
        deadline_in=timedelta(days=-60),
        lots=[("Environment", D("1300000")), ("Culture and heritage", D("1300000"))],
    )
    awards = [
        ("Nilüfer Belediyesi", "Bursa", "Stadt Esslingen am Neckar", "DE", "125000.50", 0),
        ("Çankaya Belediyesi", "Ankara", "Comune di Bologna", "IT", "98000.00", 1),
    ]
    for lead, region, partner, country, amount, lot in awards:
        application = make_application(
            call,
            lead=make_org("TR", name=lead, region=region, address="Cumhuriyet Cd. 12"),
            partners=[make_org(country, "local_authority", name=partner)],
            status="awarded",
            title=title.format(lead=lead),
            summary="Two towns prepare their climate action plans together.",
        )
        application.lot = call.lots[lot]
        application.stages[0].awarded_amount = D(amount)
    make_application(call, status="reserve", title="Reserve-list project")
    call.finalised_at = now_utc() - timedelta(days=2)
    session.commit()
    return call
