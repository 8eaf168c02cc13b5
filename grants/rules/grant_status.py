"""Status machines of a grant and of what happens on it (docs/domain.md 7): the grant (its
contract), its reports, its payments and its amendments; declared once here in terms of the enums,
checked by the one writer of each (grants.status.move_grant and its siblings)."""

from __future__ import annotations

import enum

from .transitions import InvalidTransition


class GrantStatus(enum.Enum):
    """ "Status: `draft` → `sent` → `signed` → `in_force` → `closed` | `terminated`"."""

    draft = "draft"  # prepared by staff, not yet sent to the lead
    sent = "sent"  # sent to the lead for signature
    signed = "signed"  # signed by the lead, waiting for the countersignature
    in_force = "in_force"  # countersigned: running
    closed = "closed"  # its balance paid or recovered
    terminated = "terminated"  # ended early by staff, with a reason


class ReportKind(enum.Enum):
    interim = "interim"
    final = "final"


class ReportStatus(enum.Enum):
    draft = "draft"  # being written by the lead
    submitted = "submitted"  # sent to staff
    returned = "returned"  # sent back with comments: corrected and sent again
    approved = "approved"


class PaymentKind(enum.Enum):
    prefinancing = "prefinancing"
    balance = "balance"
    recovery = "recovery"  # money the beneficiary pays back (a recovery order, then its receipt)


class PaymentStatus(enum.Enum):
    recorded = "recorded"  # entered by one staff user
    authorised = "authorised"  # authorised by another: counted as paid (or recovered)
    cancelled = "cancelled"


class AmendmentKind(enum.Enum):
    end_date = "end_date"  # a later end date
    budget = "budget"  # a budget change beyond the flexibility
    partner = "partner"  # a partner change


class AmendmentStatus(enum.Enum):
    requested = "requested"
    approved = "approved"
    refused = "refused"
    withdrawn = "withdrawn"


G, R, P, A = GrantStatus, ReportStatus, PaymentStatus, AmendmentStatus

GRANT_TRANSITIONS: dict[GrantStatus, frozenset[GrantStatus]] = {
    # a contract sent back to draft when staff correct it before the lead signs
    G.draft: frozenset({G.sent}),
    G.sent: frozenset({G.draft, G.signed}),
    G.signed: frozenset({G.in_force}),
    G.in_force: frozenset({G.closed, G.terminated}),
    # a terminated grant closes once its recovery is settled
    G.terminated: frozenset({G.closed}),
    G.closed: frozenset(),
}
REPORT_TRANSITIONS: dict[ReportStatus, frozenset[ReportStatus]] = {
    R.draft: frozenset({R.submitted}),
    R.submitted: frozenset({R.returned, R.approved}),
    R.returned: frozenset({R.submitted}),
    R.approved: frozenset(),
}
PAYMENT_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    P.recorded: frozenset({P.authorised, P.cancelled}),
    P.authorised: frozenset(),
    P.cancelled: frozenset(),
}
AMENDMENT_TRANSITIONS: dict[AmendmentStatus, frozenset[AmendmentStatus]] = {
    A.requested: frozenset({A.approved, A.refused, A.withdrawn}),
    A.approved: frozenset(),
    A.refused: frozenset(),
    A.withdrawn: frozenset(),
}

# the grants that run: reports and payments happen on them
RUNNING = frozenset({G.in_force})
# the grants whose contract exists but is not yet in force
BEFORE_FORCE = frozenset({G.draft, G.sent, G.signed})
# where no money moves any more
ENDED = frozenset({G.closed})

TABLES: dict[type[enum.Enum], tuple[str, dict]] = {
    GrantStatus: ("grant", GRANT_TRANSITIONS),
    ReportStatus: ("report", REPORT_TRANSITIONS),
    PaymentStatus: ("payment", PAYMENT_TRANSITIONS),
    AmendmentStatus: ("amendment", AMENDMENT_TRANSITIONS),
}


def allowed(old: enum.Enum) -> frozenset:
    """Where a status may go next."""
    return TABLES[type(old)][1].get(old, frozenset())


def check(old: enum.Enum, new: enum.Enum) -> None:
    """InvalidTransition unless the table of `old`'s machine allows `old` -> `new`."""
    if type(new) is not type(old) or new not in allowed(old):
        raise InvalidTransition(TABLES[type(old)][0], old.value, new.value)
