"""The only writers of a status: `move_stage` for an application stage, `move_call` for a call,
`move_partner` for a partner, `move_grant_object` for a grant and its reports, payments and
amendments.

Each checks the move against the transition table (grants/rules/transitions.py), sets the status and
writes the audit event, in the caller's unit of work. Bulk writers that change many rows in one
UPDATE (the ranking, the conditional submission) call the same `check_stage_transition` for every
row and write their events with `audit.record_all`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from grants.audit import record
from grants.models import ApplicationStage, Call, Partner
from grants.rules import grant_status
from grants.rules.transitions import (
    CallStatus,
    PartnerStatus,
    StageStatus,
    check_call_transition,
    check_partner_transition,
    check_stage_transition,
)


def move_stage(
    stage: ApplicationStage,
    new: StageStatus,
    *,
    action: str,
    user_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    audited: Any = None,
) -> None:
    """Move `stage` to `new` (InvalidTransition if the table forbids it) and audit it as `action`;
    `before` and `after` add to the recorded status what else the move changed; `audited` is the
    object the event is about when it is not the stage (a staff decision is recorded on its
    application)."""
    old = stage.status
    check_stage_transition(old, new)
    stage.status = new
    record(
        action,
        stage if audited is None else audited,
        {"status": old, **(before or {})},
        {"status": new, **(after or {})},
        user_id,
    )


def move_call(
    call: Call,
    new: CallStatus,
    *,
    action: str,
    user_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Move `call` to `new` (InvalidTransition if the table forbids it) and audit it as `action`."""
    old = call.status
    check_call_transition(old, new)
    call.status = new
    record(
        action, call, {"status": old, **(before or {})}, {"status": new, **(after or {})}, user_id
    )


def move_partner(
    partner: Partner,
    new: PartnerStatus,
    *,
    action: str,
    before: dict[str, Any],
    after: Callable[[], dict[str, Any]],
    user_id: int | None = None,
) -> None:
    """Move `partner` to `new` (InvalidTransition if the table forbids it) and audit it as
    `action`: `before` is the partner as it was (status included), `after()` reads it once moved
    (the caller has set the other fields the answer changes)."""
    check_partner_transition(partner.status, new)
    partner.status = new
    record(action, partner, before, after(), user_id)


def move_grant_object(
    obj: Any,
    new: enum.Enum,
    *,
    action: str,
    user_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Move a grant, or its report, payment or amendment (`obj.status`), to `new`
    (InvalidTransition if grants.rules.grant_status forbids it) and audit it as `action`."""
    old = obj.status
    grant_status.check(old, new)
    obj.status = new
    record(
        action, obj, {"status": old, **(before or {})}, {"status": new, **(after or {})}, user_id
    )
