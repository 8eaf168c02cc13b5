"""Demo grants (issue 17): a decided past call, TTGS-2025, whose awarded applications have grants at
every stage of their life, made through the services as staff and the leads would have made them,
with dates relative to the clock so that what is due is due whenever the demo is loaded:

- a contract sent to the demo applicant's municipality (Çankaya) for signature;
- a grant in force whose pre-financing one staff user recorded and staff@example.org authorises,
  with a later end date requested by its lead for staff to decide;
- a periodic grant in force whose first interim report is due in about ten days (opened, to write);
- a grant whose final report was approved with costs set aside: a recovery is due;
- a grant closed, its balance paid.

Replaced on every load, as the example call is (import_bundle(..., replace=True))."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from grants import clock
from grants.amendments.services.requests import request_end_date
from grants.bundle import import_bundle
from grants.contracts.services import Account, accept, countersign, prepare, save_account, send
from grants.extensions import db
from grants.models import (
    Application,
    Call,
    CallStatus,
    Grant,
    Organisation,
    StageStatus,
    User,
)
from grants.models.calls import Stage
from grants.payments.queries import schedule
from grants.payments.services import authorise
from grants.payments.services import record as record_payment
from grants.reporting.services import (
    ReportInput,
    approve_report,
    open_report,
    save_report,
    submit_report,
)
from grants.rules.grant_status import PaymentKind, ReportKind
from grants.rules.payment_schedule import ItemKind

DECIDED_CALL = "TTGS-2025"
IBAN = "TR330006100519786457841326"  # the standard example of a valid Turkish IBAN
CENT = Decimal("0.01")

# the example's application (by position), the grant's stage, and the applicant's lead for #1
_SENT, _PREFINANCING, _INTERIM, _RECOVERY, _CLOSED = 1, 3, 0, 5, 6
_NOT_SELECTED = 2


def decided_call(bundle: dict) -> Call:
    """The decided call and its grants; `bundle` is the example (recognisable) bundle."""
    data = copy.deepcopy(bundle)
    data["call"].update(
        reference=DECIDED_CALL,
        title="Town Twinning between Türkiye and the EU 2025",
        status="evaluation",
    )
    data["evaluators"] = []
    data["applications"] = data["applications"][:7]
    for application in data["applications"]:
        application["reference"] = application["reference"].replace("TTGS-DEMO", DECIDED_CALL)
        application["full_application"].update(
            evaluations=[], final_score=None, rank=None, awarded_amount=None
        )
    call = import_bundle(data, replace=True)
    db.session.flush()
    return call


def grants(call: Call, applicant_org: Organisation, staff: User, finance: User) -> list[Grant]:
    """Decide the call (the factories' way: awarded stages, the call decided) and take each
    awarded application's grant to its stage; returns the grants in the order of the module's
    docstring."""
    apps = db.session.scalars(
        select(Application).where(Application.call_id == call.id).order_by(Application.reference)
    ).all()
    apps[_SENT].lead = applicant_org
    for index, app in enumerate(apps):
        stage = app.stage(Stage.full_application)
        if index == _NOT_SELECTED:
            stage.status = StageStatus.not_selected
        elif stage.status is StageStatus.admissible:
            stage.status = StageStatus.awarded
            stage.awarded_amount = stage.requested_grant_or_application
    call.status = CallStatus.decided
    db.session.flush()
    now = clock.now()
    return [
        _sent(apps[_SENT], staff, now),
        _prefinancing_waiting(apps[_PREFINANCING], staff, finance, now),
        _interim_due(apps[_INTERIM], staff, finance, now),
        _final_approved(apps[_RECOVERY], staff, finance, now, accepted_share=Decimal("0.5")),
        _final_approved(apps[_CLOSED], staff, finance, now, accepted_share=Decimal("1")),
    ]


def _lead_member(grant: Grant) -> User:
    return db.session.scalar(
        select(User)
        .where(
            User.organisation_id == grant.application.lead_id,
            User.member_verified_at.isnot(None),
        )
        .order_by(User.id)
    )


def _drafted(app: Application, staff: User, when: datetime) -> Grant:
    grant = prepare(app, staff.id, when)
    account = Account(holder=app.lead.name, iban=IBAN, bank_name="Demo Bankası A.Ş.")
    save_account(grant, account, grant.version, staff.id)
    return grant


def _sent(app: Application, staff: User, now: datetime) -> Grant:
    grant = _drafted(app, staff, now - timedelta(days=3))
    send(grant, grant.version, staff.id, now - timedelta(days=2))
    return grant


def _in_force(app: Application, staff: User, since: datetime) -> Grant:
    """A grant countersigned at `since` (signed by its lead the day before)."""
    grant = _drafted(app, staff, since - timedelta(days=5))
    send(grant, grant.version, staff.id, since - timedelta(days=4))
    accept(grant, grant.version, _lead_member(grant).id, since - timedelta(days=1))
    countersign(grant, grant.version, staff.id, since)
    return grant


def _pay_prefinancing(grant: Grant, staff: User | None, finance: User, now: datetime) -> None:
    """Finance records the first pre-financing instalment; staff authorise it unless None."""
    today = now.date()
    item = next(i for i in schedule(grant, today) if i.kind is ItemKind.prefinancing)
    payment = record_payment(
        grant,
        PaymentKind.prefinancing,
        item.left,
        today,
        f"PF-{grant.number}",
        "First pre-financing instalment",
        finance.id,
        now,
    )
    if staff is not None:
        authorise(payment, staff.id, now)


def _prefinancing_waiting(app: Application, staff: User, finance: User, now: datetime) -> Grant:
    grant = _in_force(app, staff, now - timedelta(days=40))
    _pay_prefinancing(grant, None, finance, now)
    request_end_date(
        grant,
        grant.end_date + timedelta(days=92),
        "The partner's youth festival moved to the autumn after its venue was flooded.",
        _lead_member(grant),
        now,
    )
    return grant


def _interim_due(app: Application, staff: User, finance: User, now: datetime) -> Grant:
    """In force since about 14 months: the first 12-month period ended about 50 days ago, its
    interim report (due 60 days after) is due in about ten days."""
    grant = _in_force(app, staff, now - timedelta(days=365 + 50))
    _pay_prefinancing(grant, staff, finance, now - timedelta(days=365))
    open_report(grant, ReportKind.interim, 1, _lead_member(grant).id)
    return grant


def _final_approved(
    app: Application, staff: User, finance: User, now: datetime, accepted_share: Decimal
) -> Grant:
    """Ended four months ago; pre-financing paid; its final report sent and approved with
    `accepted_share` of each line's costs. Below the pre-financing paid a recovery is due; above
    it, the balance is paid and the grant closes."""
    months = app.duration_months
    grant = _in_force(app, staff, now - timedelta(days=months * 31 + 120))
    _pay_prefinancing(grant, staff, finance, now - timedelta(days=months * 31 + 60))
    lead = _lead_member(grant)
    report = open_report(grant, ReportKind.final, 1, lead.id)
    data = ReportInput(
        activities="The exchanges, the joint festival and the final conference took place as "
        "planned; the partners keep working together.",
        indirect=grant.current.indirect,
        contingency=Decimal("0.00"),
        actuals={line.id: line.budget_line.amount for line in report.lines},
        achieved={row.id: (row.indicator.target, "") for row in report.indicators},
    )
    save_report(report, data, report.version, lead.id)
    submit_report(report, lead.id, now - timedelta(days=20))
    reason = "" if accepted_share == 1 else "Invoices not in the beneficiary's name."
    reviews = {
        line.id: ((line.actual * accepted_share).quantize(CENT), reason) for line in report.lines
    }
    approve_report(report, reviews, staff.id, now - timedelta(days=10))
    if accepted_share == 1:
        balance = schedule(grant, now.date())[-1]
        payment = record_payment(
            grant,
            PaymentKind.balance,
            balance.left,
            now.date(),
            f"BAL-{grant.number}",
            "Balance",
            finance.id,
            now - timedelta(days=5),
        )
        authorise(payment, staff.id, now - timedelta(days=4))
    return grant
