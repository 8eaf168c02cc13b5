"""Preparing a contract (docs/domain.md 7): numbered per call in order without gaps, the awarded
amount as maximum grant, the application's budget and duration, the call's numbers copied, the
scheme they give, the indicators carried; one contract per application; only awarded ones."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from grants.contracts.services import ContractRefused, prepare
from grants.models import AuditEvent, Grant
from grants.rules.grant_status import GrantStatus
from grants.rules.grant_terms import Scheme, grant_rate
from tests.factories import make_application, make_call, make_user
from tests.factories.grants import awarded_application, make_grant
from tests.factories.logframe import add_logframe

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
D = Decimal


def test_a_contract_copies_the_award_the_budget_and_the_calls_numbers(db):
    call = make_call(status="decided", reference="TTGS-2026")
    application = awarded_application(call, D("90000.00"))
    add_logframe(application, results=2, indicators=2)
    staff = make_user("staff")
    grant = prepare(application, staff.id, NOW)

    assert (grant.number, grant.sequence, grant.status) == ("TTGS-2026/G/001", 1, GrantStatus.draft)
    assert (grant.max_grant, grant.contract_total, grant.months) == (
        D("90000.00"),
        D("107000.00"),
        24,
    )
    assert grant_rate(grant.max_grant, grant.contract_total) == Fraction(90, 107)
    # 24 months: not single by length; 90,000 <= 100,000: single by amount
    assert grant.scheme is Scheme.single
    assert grant.prefinancing_ceiling == D("81000.00")
    assert grant.grant_terms() == call.grant_terms()
    version = grant.versions[0]
    assert [(line.heading, line.amount) for line in version.lines] == [
        (1, D("60000.00")),
        (2, D("40000.00")),
    ]
    assert (version.indirect, version.contingency) == (D("7000.00"), D("0.00"))
    assert len(grant.indicators) == 4
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grant.prepared"))
    assert (event.application_id, event.call_id, event.user_id) == (
        application.id,
        call.id,
        staff.id,
    )


def test_numbers_follow_each_other_per_call_without_gaps(db):
    call, other = make_call(status="decided"), make_call(status="decided")
    numbers = [make_grant("draft", call=c).number for c in (call, call, other, call)]
    assert numbers == [
        f"{call.reference}/G/001",
        f"{call.reference}/G/002",
        f"{other.reference}/G/001",
        f"{call.reference}/G/003",
    ]


def test_one_contract_per_application(db):
    application = awarded_application()
    prepare(application, None, NOW)
    with pytest.raises(ContractRefused, match="already has a contract"):
        prepare(application, None, NOW)
    assert db.session.scalar(select(Grant.id).where(Grant.application_id == application.id))


def test_only_an_awarded_application_gets_a_contract(db):
    application = make_application(make_call(status="decided"), status="reserve")
    with pytest.raises(ContractRefused, match="Only an awarded application"):
        prepare(application, None, NOW)


def test_a_larger_longer_grant_is_paid_periodically(db):
    grant = make_grant("draft", awarded=D("100000.01"), requested_grant=D("100000.01"))
    assert grant.scheme is Scheme.periodic


def test_a_grant_in_force_has_its_dates(db):
    grant = make_grant()
    assert (grant.status, str(grant.start_date), str(grant.end_date)) == (
        GrantStatus.in_force,
        "2027-01-01",
        "2028-12-31",
    )
