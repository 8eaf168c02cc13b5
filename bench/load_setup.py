"""Accounts and state the load benchmark needs on top of the generated calls (bench/dataset.py).

- the 10,000-application call (decided): staff, and applicants who are members of its lead
  organisations;
- grants in force of that call (bench/grants_dataset.py), each with a report and a payment, for
  staff's grant pages, and the members of their leads who signed them (beneficiaries);
- a smaller generated call put back into evaluation (its evaluations deleted, every stage
  admissible, assignments declared free of conflict), whose assessors get passwords: the scoring
  page works there.
Writes bench/.load.json (accounts, their session cookies, ids) for bench/locustfile.py; the server
must run with the same SECRET_KEY. Run again, it rewrites that state.

    DATABASE_URL=... .venv/bin/python -m bench.load_setup BENCH-10000 BENCH-EVAL
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select, update

from grants import create_app
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallStatus,
    ConflictStatus,
    Evaluation,
    Grant,
    GrantPayment,
    GrantReport,
    Lot,
    Role,
    SectionFinal,
    StageFinal,
    StageStatus,
    User,
    UserSession,
)
from grants.models.base import now_utc
from grants.rules.grant_status import GrantStatus

PASSWORD = "bench-password-2026"
ACCOUNTS = 50
STATE = Path(__file__).resolve().parent / ".load.json"


def _user(email: str, role: Role, organisation_id: int | None = None) -> User:
    user = db.session.scalar(select(User).where(User.email == email)) or User(
        email=email, name=email.split("@")[0]
    )
    user.role, user.active, user.organisation_id = role, True, organisation_id
    user.member_verified_at = now_utc() if organisation_id else None
    user.email_confirmed_at = user.email_confirmed_at or now_utc()
    user.set_password(PASSWORD)
    db.session.add(user)
    return user


def _reopen_for_evaluation(call: Call) -> None:
    stages = select(ApplicationStage.id).join(Application).where(Application.call_id == call.id)
    assignments = select(Assignment.id).where(Assignment.stage_id.in_(stages))
    db.session.execute(delete(Evaluation).where(Evaluation.assignment_id.in_(assignments)))
    db.session.execute(delete(SectionFinal).where(SectionFinal.stage_id.in_(stages)))
    db.session.execute(delete(StageFinal).where(StageFinal.stage_id.in_(stages)))
    db.session.execute(
        update(Assignment)
        .where(Assignment.stage_id.in_(stages))
        .values(conflict=ConflictStatus.no_conflict, ended_at=None)
    )
    db.session.execute(
        update(ApplicationStage)
        .where(
            ApplicationStage.id.in_(stages),
            ApplicationStage.status.not_in([StageStatus.inadmissible, StageStatus.withdrawn]),
        )
        .values(status=StageStatus.admissible, rank=None, awarded_amount=None)
    )
    db.session.execute(
        update(Lot).where(Lot.call_id == call.id).values(awarded_total=Decimal("0.00"))
    )
    call.status, call.finalised_at, call.awarded_total = (
        CallStatus.evaluation,
        None,
        Decimal("0.00"),
    )


def _sessions(emails: list[str]) -> dict[str, str]:
    """A server-side session (grants.auth.services.sessions) and its signed session cookie per
    account, as logging in would make them (with the server's SECRET_KEY): the load runs measure
    pages, not 50 scrypt password checks at once."""
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    ids = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).all())
    keys = {email: secrets.token_urlsafe(32) for email in emails}
    db.session.add_all(
        UserSession(user_id=ids[email], key=keys[email], expires_at=now_utc() + timedelta(days=1))
        for email in emails
    )
    db.session.commit()
    return {
        email: serializer.dumps({"_user_id": f"{ids[email]}:{keys[email]}", "_fresh": True})
        for email in emails
    }


def _grants(call: Call) -> dict[str, int]:
    """Grants in force with a payment and a report, and the member who signed each: email -> the
    grant's id."""
    rows = db.session.execute(
        select(User.email, Grant.id)
        .join(User, User.id == Grant.signed_by_id)
        .where(
            Grant.call_id == call.id,
            Grant.status == GrantStatus.in_force,
            Grant.id.in_(select(GrantPayment.grant_id)),
            Grant.id.in_(select(GrantReport.grant_id)),
        )
        .order_by(Grant.id)
        .limit(ACCOUNTS)
    ).all()
    return dict(rows)


def main(big: str, small: str) -> None:
    with create_app().app_context():
        call = db.session.scalar(select(Call).where(Call.reference == big))
        evaluation_call = db.session.scalar(select(Call).where(Call.reference == small))
        leads = db.session.scalars(
            select(Application.lead_id)
            .where(Application.call_id == call.id)
            .order_by(Application.number)
            .limit(ACCOUNTS)
        ).all()
        applicants = [
            _user(f"applicant{i}@bench.example", Role.applicant, org).email
            for i, org in enumerate(leads)
        ]
        staff = _user("staff@bench.example", Role.staff).email
        beneficiaries = _grants(call)
        _reopen_for_evaluation(evaluation_call)
        rows = db.session.execute(
            select(User, Assignment.id)
            .join(Assignment, Assignment.evaluator_id == User.id)
            .join(ApplicationStage, Assignment.stage_id == ApplicationStage.id)
            .join(Application)
            .where(
                Application.call_id == evaluation_call.id,
                ApplicationStage.status == StageStatus.admissible,
            )
            .order_by(User.id, Assignment.id)
        ).all()
        evaluators: dict[str, list[int]] = {}
        for user, assignment_id in rows:
            if user.email not in evaluators and len(evaluators) < ACCOUNTS:
                user.set_password(PASSWORD)
                evaluators[user.email] = []
            if user.email in evaluators:
                evaluators[user.email].append(assignment_id)
        db.session.commit()
        STATE.write_text(
            json.dumps(
                {
                    "password": PASSWORD,
                    "call_id": call.id,
                    "staff": staff,
                    "applicants": applicants,
                    "evaluators": evaluators,
                    "beneficiaries": beneficiaries,
                    "grants": sorted(beneficiaries.values()),
                    "sessions": _sessions([staff, *applicants, *evaluators, *beneficiaries]),
                },
                indent=1,
            )
        )
        print(
            f"Load accounts ready: {len(applicants)} applicants, {len(evaluators)} evaluators, "
            f"{len(beneficiaries)} beneficiaries, 1 staff ({STATE})."
        )


if __name__ == "__main__":
    main(*sys.argv[1:3])
