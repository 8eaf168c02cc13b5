"""Grants at any stage of their life, for the tests of contracts, payments, reports, amendments
and oversight: an awarded application of a decided call, its contract prepared by the real service
(grants.contracts.services.prepare), then moved on as the life cycle would have moved it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from grants.contracts.services import prepare
from grants.extensions import db
from grants.models import Grant, User
from grants.models.calls import Stage
from grants.rules.grant_status import GrantStatus
from grants.rules.grant_terms import end_date, start_date
from grants.rules.transitions import StageStatus
from tests.factories import make_application, make_call, make_org, make_user

D = Decimal
START = date(2027, 1, 1)  # the default start of a grant in force (no test depends on today)


def awarded_application(call=None, awarded: Decimal = D("90000.00"), lead=None, **kw):
    """An awarded application (make_application's budget: total eligible 107,000.00, 24 months)
    with its awarded amount."""
    call = call or make_call(status="decided")
    application = make_application(call, lead=lead or make_org("TR"), status="awarded", **kw)
    stage = application.stage(Stage.full_application)
    stage.status, stage.awarded_amount = StageStatus.awarded, awarded
    db.session.flush()
    return application


def make_grant(
    status: str = "in_force",
    call=None,
    awarded: Decimal = D("90000.00"),
    start: date = START,
    staff: User | None = None,
    lead=None,
    **kw,
) -> Grant:
    """A grant in `status` (draft, sent, signed, in_force, closed, terminated); from `signed` on
    it was signed the day before `start` by a member of the lead, and countersigned then (in
    force: start and end dates set)."""
    application = awarded_application(call, awarded, lead=lead, **kw)
    staff = staff or make_user("staff")
    signed_on = None
    grant = prepare(application, staff.id, datetime(2026, 12, 1, 9, tzinfo=UTC))
    target = GrantStatus(status)
    if target is not GrantStatus.draft:
        grant.status, grant.sent_at = GrantStatus.sent, datetime(2026, 12, 2, 9, tzinfo=UTC)
    if target not in (GrantStatus.draft, GrantStatus.sent):
        lead_member = make_user("applicant", organisation=application.lead)
        signed_on = datetime.combine(start - timedelta(days=1), time(9), tzinfo=UTC)
        grant.status, grant.signed_by_id, grant.signed_at = (
            GrantStatus.signed,
            lead_member.id,
            signed_on,
        )
    if target in (GrantStatus.in_force, GrantStatus.closed, GrantStatus.terminated):
        grant.status = GrantStatus.in_force
        grant.countersigned_by_id, grant.countersigned_at = staff.id, signed_on
        grant.start_date = start_date(signed_on.date())
        grant.end_date = end_date(grant.start_date, grant.months)
        grant.versions[0].end_date = grant.end_date
    if target in (GrantStatus.closed, GrantStatus.terminated):
        grant.status = target
    db.session.flush()
    return grant
