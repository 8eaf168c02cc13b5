"""The workbook's record of the selection: a sheet of the decisions staff changed by hand (who,
when, from, to, justification) and a sheet of the evaluators' declarations (the call's declaration
of impartiality and confidentiality, and per application no conflict of interest or a conflict with
what it is). One query per sheet part, whatever the number of applications."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from grants.exports.workbook_sheets import Labels
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    ConflictStatus,
    DecisionOverride,
    User,
)
from reports.workbook import Column, Sheet

Staff = aliased(User)


def override_columns(zone: str) -> list[Column]:
    return [
        Column(_("Reference"), width=18),
        Column(_("Stage"), width=16),
        Column(_("Previous decision"), width=16),
        Column(_("Previous amount"), "money", 16),
        Column(_("New decision"), width=16),
        Column(_("New amount"), "money", 16),
        Column(_("Justification"), width=60),
        Column(_("By"), width=24),
        Column(_("Email address"), width=28),
        Column(_("When (%(zone)s)", zone=zone), "datetime", 18),
        Column(_("Discarded by a new ranking (%(zone)s)", zone=zone), "datetime", 18),
    ]


def write_overrides(call: Call, labels: Labels, sheet: Sheet) -> None:
    """Every override of the call, oldest first, the ones a new ranking discarded too."""
    rows = db.session.execute(
        select(
            Application.reference,
            ApplicationStage.stage,
            DecisionOverride.from_status,
            DecisionOverride.from_amount,
            DecisionOverride.to_status,
            DecisionOverride.to_amount,
            DecisionOverride.justification,
            Staff.name,
            Staff.email,
            DecisionOverride.at,
            DecisionOverride.discarded_at,
        )
        .join(ApplicationStage, DecisionOverride.stage_id == ApplicationStage.id)
        .join(Application, ApplicationStage.application_id == Application.id)
        .join(Staff, DecisionOverride.user_id == Staff.id)
        .where(Application.call_id == call.id)
        .order_by(DecisionOverride.at, DecisionOverride.id)
    )
    for row in rows:
        sheet.append(
            [
                row.reference,
                labels.stage[row.stage],
                labels.status[row.from_status],
                row.from_amount,
                labels.status[row.to_status],
                row.to_amount,
                row.justification,
                row.name,
                row.email,
                row.at,
                row.discarded_at,
            ]
        )


def declaration_columns(zone: str) -> list[Column]:
    return [
        Column(_("Evaluator"), width=24),
        Column(_("Email address"), width=28),
        Column(_("Declaration"), width=34),
        Column(_("Reference"), width=18),
        Column(_("Stage"), width=16),
        Column(_("When (%(zone)s)", zone=zone), "datetime", 18),
        Column(_("What the conflict is"), width=60),
    ]


def write_declarations(call: Call, labels: Labels, sheet: Sheet) -> None:
    """The signatures of the call's declaration of impartiality and confidentiality, then each
    declaration of conflict of interest per application, in application order."""
    signed = _("Declaration of impartiality and confidentiality signed")
    wording = {
        ConflictStatus.no_conflict: _("No conflict of interest"),
        ConflictStatus.conflict: _("Conflict of interest"),
    }
    for name, email, at in db.session.execute(
        select(User.name, User.email, CallEvaluator.impartiality_signed_at)
        .join(CallEvaluator, CallEvaluator.user_id == User.id)
        .where(CallEvaluator.call_id == call.id, CallEvaluator.impartiality_signed_at.is_not(None))
        .order_by(CallEvaluator.impartiality_signed_at, User.name, User.id)
    ):
        sheet.append([name, email, signed, None, None, at, None])
    for row in db.session.execute(
        select(
            User.name,
            User.email,
            Assignment.conflict,
            Application.reference,
            ApplicationStage.stage,
            Assignment.conflict_declared_at,
            Assignment.conflict_reason,
        )
        .join(ApplicationStage, Assignment.stage_id == ApplicationStage.id)
        .join(Application, ApplicationStage.application_id == Application.id)
        .join(User, Assignment.evaluator_id == User.id)
        .where(Application.call_id == call.id, Assignment.conflict != ConflictStatus.undeclared)
        .order_by(
            Application.number,
            ApplicationStage.stage,
            Assignment.conflict_declared_at,
            User.name,
            User.id,
        )
    ):
        sheet.append(
            [
                row.name,
                row.email,
                wording[row.conflict],
                row.reference,
                labels.stage[row.stage],
                row.conflict_declared_at,
                row.conflict_reason,
            ]
        )
