"""The one writer of what falls due on each grant (grants.models.GrantDue): `refresh` recomputes the
rows of some grants from the schedule rules, the same the grant's own pages use; the flush hook
(grants.payments.dues_hook) calls it for every grant whose schedule may have changed, the command
`flask grants refresh-dues` and the migration that made the table call `refresh_all`.

Kept: a grant's open payments (grants.rules.payment_schedule, through grants.payments.queries's
ledger: released, not paid, nothing recorded waiting for authorisation), on the grants in force or
terminated, and the reports not sent yet of the grants in force
(grants.rules.grant_oversight.due_reports). None of this depends on the day: the schedule's day
only decides between *due* and *overdue* (and dates a balance without a date of its own on the day
itself), which the readers judge at their own clock (grants.payments.dues_read)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import Text, cast, delete, insert, select
from sqlalchemy.orm import Session, defer

from grants.models import Call, Grant, GrantDue, GrantReport
from grants.payments.queries import MOVING, approved_reports, ledger, movements_of
from grants.rules.grant_oversight import GrantFacts, due_reports
from grants.rules.grant_status import GrantStatus, ReportStatus
from grants.rules.grant_terms import GrantTerms, terms_of
from grants.rules.payment_schedule import schedule

# The day the schedule is worked out on: before every date, so an open item reads "due", never
# "overdue", and a balance without a date of its own is dated on it (kept as no date: the readers
# date it on their day).
ANY_DAY = date.min
CHUNK = 500  # grants per round of reads


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def rows_of(
    grant: Grant,
    terms: GrantTerms,
    payments: list,
    approved: list,
    sent: Iterable[tuple[str, int]],
) -> list[dict]:
    """The GrantDue rows of one grant (plain dicts): its reports not sent, then its open payments.
    `payments`, `approved`: as grants.payments.queries.ledger reads them; `sent`: the (kind,
    period) of its reports submitted or approved."""
    found: list[dict] = []
    if grant.status is GrantStatus.in_force and grant.start_date is not None:
        facts = GrantFacts(
            scheme=grant.scheme,
            terms=terms,
            start=grant.start_date,
            months=grant.months,
            end=grant.end_date,
            sent_reports=frozenset(sent),
        )
        found += [
            {"family": "report", "what": item.what, "period": item.period, "due_on": item.due_on}
            for item in due_reports(facts)
        ]
    if grant.status in MOVING:
        found += [
            {
                "family": "payment",
                "what": item.kind.value,
                "period": item.period,
                "due_on": None if item.due_on == ANY_DAY else item.due_on,
                "amount": item.amount,
                "done": item.done,
            }
            for item in schedule(ledger(grant, payments, approved, terms), ANY_DAY)
            if item.status.open
        ]
    return [
        {"amount": None, "done": None, **row, "grant_id": grant.id, "position": n}
        for n, row in enumerate(found)
    ]


def _sent(session: Session, ids: list[int]) -> dict[int, set[tuple[str, int]]]:
    sent: dict[int, set] = defaultdict(set)
    for grant_id, kind, period in session.execute(
        select(GrantReport.grant_id, GrantReport.kind, GrantReport.period).where(
            GrantReport.grant_id.in_(ids),
            GrantReport.status.in_((ReportStatus.submitted, ReportStatus.approved)),
        )
    ):
        sent[grant_id].add((kind.value, period))
    return sent


def _compute(session: Session, ids: list[int]) -> list[dict]:
    """The rows of the grants `ids` (five queries: the calls, the grants, their payments, approved
    reports and reports sent); the terms read once per distinct set."""
    calls = session.scalars(
        select(Call).where(Call.id.in_(select(Grant.call_id).where(Grant.id.in_(ids))))
    ).all()
    grants = session.execute(
        select(Grant, cast(Grant.terms, Text))
        .where(Grant.id.in_(ids), Grant.status.in_(MOVING))
        .options(defer(Grant.terms))
        .order_by(Grant.id)
    ).all()
    if not grants:
        return []
    moving = [grant.id for grant, _ in grants]
    payments = movements_of(moving, session)
    approved = approved_reports(moving, session)
    sent = _sent(session, moving)
    terms: dict[str, GrantTerms] = {}
    rows: list[dict] = []
    for grant, text in grants:
        if text not in terms:
            terms[text] = terms_of(json.loads(text))
        rows += rows_of(
            grant,
            terms[text],
            payments.get(grant.id, []),
            approved.get(grant.id, []),
            sent.get(grant.id, ()),
        )
    del calls  # kept in the session while the grants' schedules were worked out
    return rows


def refresh(session: Session, grant_ids: Iterable[int]) -> int:
    """Recompute the rows of the grants `grant_ids` (of any status: a grant money no longer moves on
    keeps none) from what is in the database now; the number of rows written. Plain statements on
    the session's connection: the ORM's unit of work is not involved, so it may run inside a
    flush."""
    ids = sorted({i for i in grant_ids if i is not None})
    written = 0
    for chunk in _chunks(ids):
        session.execute(delete(GrantDue.__table__).where(GrantDue.__table__.c.grant_id.in_(chunk)))
        rows = _compute(session, chunk)
        if rows:
            session.execute(insert(GrantDue.__table__), rows)
        written += len(rows)
    return written


def refresh_all(session: Session) -> tuple[int, int]:
    """Recompute every grant's rows (the repair, and the migration's first fill): (grants, rows)."""
    session.execute(delete(GrantDue.__table__))
    ids = list(session.scalars(select(Grant.id).where(Grant.status.in_(MOVING))))
    written = 0
    for chunk in _chunks(ids):
        rows = _compute(session, chunk)
        if rows:
            session.execute(insert(GrantDue.__table__), rows)
        written += len(rows)
    return len(ids), written
