"""The record of the selection that bundle version 2 adds to version 1: the decisions staff changed
by hand (overrides: who, when, from, to, justification), the staff who made them, the evaluators'
signatures of the declaration of impartiality and confidentiality, and their declarations of
conflict of interest per application. Written by export.py, read back by import_.py (which the
caller commits or rolls back)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from grants.bundle import formats as f
from grants.bundle.formats import parse_decimal, parse_time
from grants.bundle.validate import BundleError
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    ConflictStatus,
    DecisionOverride,
    Role,
    Stage,
    StageStatus,
    User,
)
from grants.models.base import now_utc

STAFF_ROLES = (Role.staff, Role.admin)


# Export
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """An evaluator's declaration on one application stage."""

    evaluator: User
    reference: str
    number: int
    stage: Stage
    declaration: ConflictStatus
    declared_at: datetime | None
    reason: str | None


def declarations(apps: list[Application], user_key: Callable[[User], str]) -> list[Declared]:
    """The declarations made on the applications' stages, the conflicts (assignments they ended)
    too: per application and stage, in the order they were made (one query)."""
    stages = {s.id: (app, s) for app in apps for s in app.stages}
    if not stages:
        return []
    found = []
    for assignment in db.session.scalars(
        select(Assignment)
        .where(
            Assignment.stage_id.in_(list(stages)), Assignment.conflict != ConflictStatus.undeclared
        )
        .options(selectinload(Assignment.evaluator).selectinload(User.organisation))
    ):
        app, stage = stages[assignment.stage_id]
        found.append(
            Declared(
                assignment.evaluator,
                app.reference,
                app.number,
                stage.stage,
                assignment.conflict,
                assignment.conflict_declared_at,
                assignment.conflict_reason,
            )
        )
    # ids play no part in the order, so that an imported call exports the same list
    return sorted(
        found,
        key=lambda d: (
            d.number,
            d.stage is Stage.full_application,
            d.declared_at.isoformat() if d.declared_at else "",
            user_key(d.evaluator),
        ),
    )


def export_records(
    call: Call, declared: list[Declared], user_key: Callable[[User], str], named: list[User]
) -> dict:
    """Overrides, signatures and declarations; the staff are those who made the overrides, then
    the other staff members the record names (`named`: the committee's, the clarifications')."""
    zone = call.timezone
    overrides = db.session.execute(
        select(DecisionOverride, Application.reference, ApplicationStage.stage)
        .join(ApplicationStage, DecisionOverride.stage_id == ApplicationStage.id)
        .join(Application, ApplicationStage.application_id == Application.id)
        .where(Application.call_id == call.id, Application.reference.is_not(None))
        .options(joinedload(DecisionOverride.user))
        .order_by(DecisionOverride.at, DecisionOverride.id)
    ).all()
    staff = list(dict.fromkeys([*(o.user for o, _, _ in overrides), *named]))
    signed = db.session.execute(
        select(User, CallEvaluator.impartiality_signed_at)
        .join(CallEvaluator, CallEvaluator.user_id == User.id)
        .where(CallEvaluator.call_id == call.id, CallEvaluator.impartiality_signed_at.is_not(None))
        .order_by(CallEvaluator.id)
    ).all()
    return {
        "staff": [{"key": user_key(u), "name": u.name, "email": u.email} for u in staff],
        "overrides": [
            {
                "application": reference,
                "stage": stage.value,
                "by": user_key(o.user),
                "at": f.time(o.at, zone),
                "from": {"status": o.from_status.value, "awarded_amount": f.money(o.from_amount)},
                "to": {"status": o.to_status.value, "awarded_amount": f.money(o.to_amount)},
                "justification": o.justification,
                "discarded_at": f.time(o.discarded_at, zone),
            }
            for o, reference, stage in overrides
        ],
        "impartiality": [
            {"evaluator": user_key(u), "signed_at": f.time(at, zone)} for u, at in signed
        ],
        "declarations": [
            {
                "evaluator": user_key(d.evaluator),
                "application": d.reference,
                "stage": d.stage.value,
                "declaration": d.declaration.value,
                "declared_at": f.time(d.declared_at, zone),
                "reason": d.reason,
            }
            for d in declared
        ],
    }


# Import
# ---------------------------------------------------------------------------------------------


class Records:
    """A version-2 bundle's record, ready for the import: what each evaluation's assignment
    declared, and the conflicts, signatures and overrides to add. A version-1 bundle has none: its
    assignments count as declared free of conflict, as they always did."""

    def __init__(self, data: dict) -> None:
        self.version = data["version"]
        self.declared = {
            (d["application"], d["stage"], d["evaluator"]): d for d in data.get("declarations", [])
        }
        self.conflicted: dict[
            tuple[str, str], list[dict]
        ] = {}  # (reference, stage) -> its declared conflicts
        for item in self.declared.values():
            if item["declaration"] == "conflict":
                self.conflicted.setdefault((item["application"], item["stage"]), []).append(item)
        self.signed = {
            s["evaluator"]: parse_time(s["signed_at"]) for s in data.get("impartiality", [])
        }
        self.overrides = data.get("overrides", [])
        self.staff_items = data.get("staff", [])

    def conflict_of(
        self, reference: str, stage: str, evaluator: str
    ) -> tuple[ConflictStatus, datetime | None]:
        """The declaration of an evaluation's assignment."""
        if self.version < 2:
            return ConflictStatus.no_conflict, None
        item = self.declared.get((reference, stage, evaluator))
        if item is None:
            return ConflictStatus.undeclared, None
        return ConflictStatus(item["declaration"]), parse_time(item.get("declared_at"))

    def conflicts(self, reference: str, stage: str) -> list[dict]:
        return self.conflicted.get((reference, stage), [])


def ended_assignment(item: dict, stage: ApplicationStage, evaluator: User) -> Assignment:
    """The assignment a declared conflict ended."""
    at = parse_time(item.get("declared_at"))
    return Assignment(
        stage=stage,
        evaluator_id=evaluator.id,
        conflict=ConflictStatus.conflict,
        conflict_declared_at=at,
        ended_at=at or now_utc(),
        conflict_reason=item.get("reason"),
    )


def staff_users(items: list[dict]) -> dict[str, User]:
    """Key -> the staff member, matched by key then by e-mail; one not here yet is added without a
    password and inactive (the record names them; an administrator may activate the account)."""
    if not items:
        return {}
    by_key = {
        u.key: u
        for u in db.session.scalars(select(User).where(User.key.in_([i["key"] for i in items])))
    }
    emails = [i["email"].lower() for i in items]
    by_email = {
        u.email.lower(): u
        for u in db.session.scalars(select(User).where(func.lower(User.email).in_(emails)))
    }
    found, users = [], {}
    for i, item in enumerate(items):
        user = by_key.get(item["key"]) or by_email.get(item["email"].lower())
        if user is not None and user.role not in STAFF_ROLES:
            found.append(
                f"$.staff[{i}].email: '{item['email']}' is a {user.role.value} user, not staff"
            )
        elif user is not None and user.key not in (None, item["key"]):
            found.append(f"$.staff[{i}].email: '{item['email']}' is the user with key '{user.key}'")
        elif user is not None and user.email.lower() != item["email"].lower():
            found.append(
                f"$.staff[{i}].key: '{item['key']}' is the user '{user.email}', not "
                f"'{item['email']}'"
            )
        user = user or User(
            email=item["email"].lower(), name=item["name"], role=Role.staff, active=False
        )
        user.key = item["key"]
        users[item["key"]] = user
    if found:
        raise BundleError(found)
    db.session.add_all(users.values())
    return users


def add_overrides(
    records: Records, stages: dict[tuple[str, str], ApplicationStage], staff: dict[str, User]
) -> None:
    """The overrides, in the bundle's order (oldest first); the stages and staff have ids by now."""
    for item in records.overrides:
        db.session.add(
            DecisionOverride(
                stage_id=stages[(item["application"], item["stage"])].id,
                from_status=StageStatus(item["from"]["status"]),
                from_amount=parse_decimal(item["from"]["awarded_amount"]),
                to_status=StageStatus(item["to"]["status"]),
                to_amount=parse_decimal(item["to"]["awarded_amount"]),
                justification=item["justification"],
                user_id=staff[item["by"]].id,
                at=parse_time(item["at"]),
                discarded_at=parse_time(item.get("discarded_at")),
            )
        )
