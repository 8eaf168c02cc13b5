"""Test data builders: real rows through the real models, with sensible TTGS defaults."""
from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from grants.calls.defaults import CALL_DEFAULTS, CONCEPT_NOTE_GRID, FULL_APPLICATION_GRID, default_discrepancy
from grants.calls.grids import build_grid
from grants.extensions import db
from grants.models import (
    AwardRule, Call, CallStatus, Lot, Organisation, OrganisationType, Procedure, Role, Stage, User,
)
from grants.models.base import now_utc

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def make_org(country: str = "TR", type: str = "municipality", verified: bool = True, **kw) -> Organisation:
    n = next(_seq)
    org = Organisation(
        name=kw.pop("name", f"Municipality {n}"), type=OrganisationType(type), country=country,
        region=kw.pop("region", "Ankara" if country == "TR" else ""), population=kw.pop("population", 50000),
        legal_id=kw.pop("legal_id", f"LID-{n}"), verified_at=now_utc() if verified else None, **kw,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(role: str = "applicant", organisation: Organisation | None = None, verified_member: bool = True,
              password: str = PASSWORD, **kw) -> User:
    n = next(_seq)
    user = User(email=kw.pop("email", f"user{n}@example.org"), name=kw.pop("name", f"User {n}"),
                role=Role(role), organisation=organisation,
                member_verified_at=now_utc() if organisation is not None and verified_member else None, **kw)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_call(reference: str | None = None, status: str = "published", lots: list[tuple[str, Decimal]] | None = None,
              procedure: str = "open", opens_in: timedelta = timedelta(days=-1),
              deadline_in: timedelta = timedelta(days=30), **kw) -> Call:
    settings = dict(CALL_DEFAULTS)
    settings.update(kw)
    now = now_utc()
    call = Call(
        reference=reference or f"CALL-{next(_seq)}", title=settings.pop("title", "Town twinning call"),
        status=CallStatus(status), procedure=Procedure(procedure), award_rule=AwardRule(settings.pop("award_rule")),
        opens_at=now + opens_in, deadline=now + deadline_in,
        concept_note_deadline=(now + deadline_in / 2) if procedure == "restricted" else None,
        discrepancy_threshold=default_discrepancy(100),
        **{k: v for k, v in settings.items() if k != "procedure"},
    )
    call.grids.append(build_grid(Stage.full_application, FULL_APPLICATION_GRID))
    if procedure == "restricted":
        call.grids.append(build_grid(Stage.concept_note, CONCEPT_NOTE_GRID))
    for pos, (name, budget) in enumerate(lots or []):
        call.lots.append(Lot(position=pos, code=f"LOT{pos + 1}", name=name, budget=budget))
    db.session.add(call)
    db.session.flush()
    return call
