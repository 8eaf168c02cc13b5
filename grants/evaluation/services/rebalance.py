"""Staff rebalance a call's assignments (docs/domain.md 4, Assignment): a proposal to confirm, then
the moves.

The proposal comes from grants.rules.rebalance over the call's live assignments: an assignment moves
only while nobody has started it (its evaluator has declared nothing on it and saved no draft) and
its application is admissible. The confirmation carries a fingerprint of the assignments it was made
from; if they changed meanwhile nothing moves and staff see the new proposal. Each move is a
conditional UPDATE (still undeclared, still no evaluation, still that evaluator), so an evaluator
who starts at the same moment keeps the assignment: the whole rebalance is then refused.

Each evaluator concerned is told by e-mail, in their language: those who received applications (as
any new assignment is told), and those whose applications went to others, with the applications'
references, so that nobody prepares to read an application that is no longer theirs.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from grants import mail
from grants.audit import record
from grants.evaluation.queries.pool import admissible_stages, call_assignments, pool_members
from grants.evaluation.services.pool import AssignmentRefused
from grants.evaluation.services.settle import notify_assigned, organisations
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    ConflictStatus,
    Evaluation,
    User,
)
from grants.models.base import now_utc
from grants.rules.assignment import App, Ev
from grants.rules.problems import N_
from grants.rules.rebalance import Rebalance, Slot, rebalance


class ProposalChanged(AssignmentRefused):
    """The assignments changed since the proposal was shown: nothing was moved (once rolled back:
    the caller shows the new proposal)."""

    def __init__(self) -> None:
        super().__init__(
            N_(
                "The assignments changed since this proposal was made (an evaluator started one, "
                "or staff changed them): nothing was moved. Here is the new proposal."
            )
        )


@dataclass(frozen=True)
class LoadRow:
    name: str
    before: int
    after: int
    started: int  # assignments that stay with the evaluator whatever happens


@dataclass(frozen=True)
class MoveRow:
    reference: str
    source: str
    target: str


@dataclass(frozen=True)
class Proposal:
    result: Rebalance
    rows: tuple[LoadRow, ...]
    moves: tuple[MoveRow, ...]
    fingerprint: str


def _movable(assignment: Assignment, admissible: set[int]) -> bool:
    return (
        assignment.conflict is ConflictStatus.undeclared
        and assignment.evaluation is None
        and assignment.stage_id in admissible
    )


def propose(call: Call) -> Proposal:
    """The moves that bring the evaluators' loads as close together as the rules allow (nothing
    written)."""
    stages = admissible_stages(call.id)
    admissible = {stage.id for stage in stages}
    assignments = call_assignments(call.id)
    pool = pool_members(call.id)
    live = [a for a in assignments if a.ended_at is None]
    slots = [Slot(a.id, a.stage_id, a.evaluator_id, _movable(a, admissible)) for a in live]
    conflicts = {(a.stage_id, a.evaluator_id) for a in assignments if a.ended_at is not None}
    evaluators = [Ev(m.user_id, m.user.organisation_id) for m in pool]
    result = rebalance([App(s.id, organisations(s)) for s in stages], evaluators, slots, conflicts)
    names = {m.user_id: m.user.name for m in pool}
    references = {
        a.stage_id: a.stage.application.reference or a.stage.application.title for a in live
    }
    rows = tuple(
        LoadRow(
            names[m.user_id],
            result.before[m.user_id],
            result.after[m.user_id],
            result.fixed[m.user_id],
        )
        for m in pool
    )
    moves = tuple(
        MoveRow(references[m.application], names[m.source], names[m.target])
        for m in sorted(result.moves, key=lambda m: (references[m.application], m.slot))
    )
    state = (
        sorted((s.id, s.application, s.evaluator, s.movable) for s in slots),
        sorted(names),
        sorted(conflicts),
    )
    return Proposal(result, rows, moves, hashlib.sha256(repr(state).encode()).hexdigest()[:32])


def apply(call: Call, actor: User, fingerprint: str) -> Proposal:
    """Make the moves of the proposal staff confirmed (`fingerprint`); the request commits.

    ProposalChanged if the assignments changed since, or an evaluator started one of those to move
    meanwhile (some moves may have been made: the caller rolls back); AssignmentRefused if there is
    nothing to move."""
    proposal = propose(call)
    if proposal.fingerprint != fingerprint:
        raise ProposalChanged
    result = proposal.result
    if not result.moves:
        raise AssignmentRefused(
            N_("No assignment can be moved: the loads are already as close as the rules allow.")
        )
    now = now_utc()
    try:
        for move in result.moves:
            moved = db.session.execute(
                update(Assignment)
                .where(
                    Assignment.id == move.slot,
                    Assignment.evaluator_id == move.source,
                    Assignment.ended_at.is_(None),
                    Assignment.conflict == ConflictStatus.undeclared,
                    ~exists().where(Evaluation.assignment_id == Assignment.id),
                )
                .values(evaluator_id=move.target, assigned_by_id=actor.id, assigned_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if moved != 1:
                raise ProposalChanged
    except (
        IntegrityError
    ):  # an assignment of the same evaluator to the application was made meanwhile
        raise ProposalChanged from None
    for move in result.moves:
        record(
            "evaluation.reassign",
            db.session.get(Assignment, move.slot),
            before={"evaluator_id": move.source},
            after={
                "evaluator_id": move.target,
                "stage_id": move.application,
                "reason": "rebalance",
            },
        )
    record(
        "evaluation.rebalance",
        call,
        before={"loads": result.before},
        after={"loads": result.after, "moves": len(result.moves), "balanced": result.balanced},
    )
    _tell_evaluators(call, result)
    return proposal


def _tell_evaluators(call: Call, result: Rebalance) -> None:
    """E-mail each evaluator who received applications (how many) and each who handed some over
    (which), in their language: one e-mail each, of both where an evaluator did both."""
    gained = Counter(move.target for move in result.moves)
    released: dict[int, list[int]] = {}
    for move in result.moves:
        released.setdefault(move.source, []).append(move.application)
    references = {
        stage: reference or title
        for stage, reference, title in db.session.execute(
            select(ApplicationStage.id, Application.reference, Application.title)
            .join(Application, ApplicationStage.application_id == Application.id)
            .where(ApplicationStage.id.in_({move.application for move in result.moves}))
        )
    }
    link = url_for("evaluation.call", call_id=call.id, _external=True)
    for user in db.session.scalars(
        select(User).where(User.id.in_(set(gained) | set(released))).order_by(User.id)
    ):
        if user.id not in released:
            notify_assigned(user, call, gained[user.id])
            continue
        # one e-mail of both, when a chain of moves passes through the evaluator
        subject = (
            _l("Your assignments in %(call)s changed", call=call.reference)
            if user.id in gained
            else _l("Applications of %(call)s reassigned to another evaluator", call=call.reference)
        )
        mail.send(
            user.email,
            subject,
            "email/evaluation_released.txt",
            locale=user.locale,
            user=user,
            call=call,
            references=sorted(references[stage] for stage in released[user.id]),
            gained=gained.get(user.id, 0),
            link=link,
        )
