"""Bundle version 2 carries the grants (docs/domain.md 7): each awarded application's contract with
its versions and budget lines, indicators, amendments, payments and reports with their cost lines,
accepted amounts and indicator values. Import then export gives the same bundle; a wrong grant is
refused with the path of what is wrong, and nothing is written."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.bundle import BundleError, export_bundle, import_bundle, problems
from grants.extensions import db as database
from grants.models import (
    Call,
    Grant,
    GrantAmendment,
    GrantBudgetLine,
    GrantIndicator,
    GrantPayment,
    GrantReport,
    GrantReportIndicator,
    GrantReportLine,
    GrantVersion,
    Role,
    User,
)
from grants.rules.grant_status import (
    AmendmentKind,
    AmendmentStatus,
    GrantStatus,
    PaymentKind,
    PaymentStatus,
    ReportKind,
    ReportStatus,
)
from tests.conftest import count_queries
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories.bundle import count, in_a_fresh_installation
from tests.factories.grants import make_grant

D = Decimal
REFERENCE = "TTGS-2031"
FINANCE, CHECKER = "finance@ministry.example", "checker@ministry.example"


def at(day: int, month: int = 1, year: int = 2027) -> datetime:
    return datetime(year, month, day, 9, 30, tzinfo=UTC)


def _payment(grant, kind, amount, recorded_by, authorised_by=None, **kw) -> GrantPayment:
    payment = GrantPayment(
        kind=kind,
        status=kw.pop("status", PaymentStatus.authorised if authorised_by else None),
        amount=amount,
        value_date=kw.pop("value_date", date(2027, 1, 20)),
        recorded_by_id=recorded_by.id,
        recorded_at=kw.pop("recorded_at", at(15)),
        authorised_by_id=authorised_by.id if authorised_by else None,
        authorised_at=kw.pop("authorised_at", at(16)) if authorised_by else None,
        **kw,
    )
    grant.payments.append(payment)
    return payment


def _indicators(grant: Grant) -> list[GrantIndicator]:
    grant.indicators.extend(
        [
            GrantIndicator(
                position=0,
                result="Climate plans adopted",
                description="Plans adopted by the councils",
                unit="plan",
                baseline=D("0.00"),
                target=D("2.00"),
            ),
            GrantIndicator(
                position=1,
                result="Climate plans adopted",
                description="Staff trained",
                unit="person",
                baseline=D("3.00"),
                target=D("40.00"),
            ),
        ]
    )
    return grant.indicators


def grants_at_every_stage() -> tuple[Call, dict[str, Grant]]:
    """A decided call with five contracts: a draft, one sent with its bank account, one in force
    (pre-financing paid, a cancelled payment, an interim report submitted, an amendment asked for),
    one closed (an approved budget amendment that brought in a new partner: version 2; the final
    report approved with a cost set aside; the balance paid) and one terminated (a recovery)."""
    call = make_call(reference=REFERENCE, status="decided")
    finance = make_user("staff", email=FINANCE, name="Finance officer")
    checker = make_user("staff", email=CHECKER, name="Checker")
    grants = {
        status: make_grant(status, call=call, staff=finance)
        for status in ("draft", "sent", "in_force", "closed", "terminated")
    }
    sent = grants["sent"]
    sent.account_holder, sent.iban, sent.bic, sent.bank_name = (
        "Nilüfer Belediyesi",
        "TR330006100519786457841326",
        "TCZBTR2A",
        "Ziraat Bankası",
    )

    running = grants["in_force"]
    lead_member = database.session.get(User, running.signed_by_id)
    indicators = _indicators(running)
    _payment(running, PaymentKind.prefinancing, D("72000.00"), finance, checker, reference="PF-1")
    _payment(
        running,
        PaymentKind.balance,
        D("100.00"),
        checker,
        status=PaymentStatus.cancelled,
        note="Entered twice.",
        recorded_at=at(17),
    )
    running.prefinancing_paid = running.paid_total = D("72000.00")
    lines = running.versions[0].lines
    running.reports.append(
        GrantReport(
            kind=ReportKind.interim,
            period=1,
            status=ReportStatus.submitted,
            due_on=date(2028, 3, 1),
            activities="Two study visits, the first workshop.",
            reported_indirect=D("2100.00"),
            submitted_by_id=lead_member.id,
            submitted_at=at(20, 2, 2028),
            lines=[
                GrantReportLine(budget_line=lines[0], actual=D("30000.00")),
                GrantReportLine(budget_line=lines[1], actual=D("12500.50")),
            ],
            indicators=[
                GrantReportIndicator(indicator=indicators[1], achieved=D("25.00"), comment="")
            ],
        )
    )
    running.amendments.append(
        GrantAmendment(
            kind=AmendmentKind.end_date,
            justification="The council elections moved the second workshop.",
            details={"end_date": "2029-06-30", "months": 30},
            requested_by_id=lead_member.id,
            requested_at=at(1, 3, 2028),
        )
    )

    closed = grants["closed"]
    closed_member = database.session.get(User, closed.signed_by_id)
    newcomer = make_org("FR", name="Commune de Montreuil")
    indicators = _indicators(closed)
    amendment = GrantAmendment(
        kind=AmendmentKind.budget,
        status=AmendmentStatus.approved,
        justification="A French municipality takes over the study visits.",
        details={"lines": [{"heading": 2, "amount": "30000.00"}], "partner": "added"},
        requested_by_id=closed_member.id,
        requested_at=at(1, 6),
        decided_by_id=checker.id,
        decided_at=at(10, 6),
        decision_reason="Within the maximum grant.",
    )
    closed.amendments.append(amendment)
    database.session.flush()
    first = closed.versions[0]
    second = GrantVersion(
        number=2,
        max_grant=first.max_grant,
        contract_total=first.contract_total,
        indirect=first.indirect,
        contingency=first.contingency,
        months=first.months,
        end_date=first.end_date,
        amendment_id=amendment.id,
        created_by_id=checker.id,
        created_at=at(10, 6),
        lines=[
            GrantBudgetLine(
                position=n,
                heading=line.heading,
                description=line.description,
                amount=amount,
                organisation_id=line.organisation_id,
            )
            for n, (line, amount) in enumerate(zip(first.lines, (D("60000.00"), D("10000.00"))))
        ]
        + [
            GrantBudgetLine(
                position=2,
                heading=2,
                description="Study visits (Montreuil)",
                amount=D("30000.00"),
                organisation_id=newcomer.id,
            )
        ],
    )
    closed.versions.append(second)
    database.session.flush()
    closed.reports.append(
        GrantReport(
            kind=ReportKind.final,
            period=2,
            status=ReportStatus.approved,
            due_on=date(2029, 3, 31),
            activities="Both plans adopted.",
            reported_indirect=D("5000.00"),
            verification_name="verification-2029.pdf",
            submitted_by_id=closed_member.id,
            submitted_at=at(1, 3, 2029),
            reviewed_by_id=checker.id,
            reviewed_at=at(15, 3, 2029),
            lines=[
                GrantReportLine(
                    budget_line=second.lines[2], actual=D("31000.00"), accepted=D("30000.00")
                ),
                GrantReportLine(
                    budget_line=second.lines[0],
                    actual=D("58000.00"),
                    accepted=D("55000.00"),
                    set_aside_reason="An invoice dated after the end date.",
                ),
            ],
            indicators=[
                GrantReportIndicator(indicator=indicators[0], achieved=D("2.00"), comment="Both.")
            ],
        )
    )
    _payment(closed, PaymentKind.prefinancing, D("72000.00"), finance, checker)
    _payment(
        closed,
        PaymentKind.balance,
        D("8000.00"),
        checker,
        finance,
        value_date=date(2029, 4, 30),
        recorded_at=at(20, 4, 2029),
        authorised_at=at(21, 4, 2029),
    )
    closed.final_amount, closed.prefinancing_paid, closed.paid_total = (
        D("80000.00"),
        D("72000.00"),
        D("80000.00"),
    )
    closed.closed_at = at(1, 5, 2029)

    ended = grants["terminated"]
    _payment(ended, PaymentKind.prefinancing, D("72000.00"), finance, checker)
    _payment(
        ended,
        PaymentKind.recovery,
        D("22000.00"),
        finance,
        checker,
        reference="RO-2027-4",
        recorded_at=at(1, 9),
        authorised_at=at(2, 9),
    )
    ended.prefinancing_paid = ended.paid_total = D("72000.00")
    ended.recovered_total = D("22000.00")
    ended.terminated_at, ended.termination_reason = at(1, 8), "The lead dissolved its agency."
    database.session.flush()
    return call, grants


def test_the_bundle_holds_the_grants_and_import_then_export_is_identical(db):
    call, grants = grants_at_every_stage()
    bundle = export_bundle(call)
    assert problems(bundle) == []
    assert [(g["number"], g["status"]) for g in bundle["grants"]] == [
        (f"{REFERENCE}/G/001", "draft"),
        (f"{REFERENCE}/G/002", "sent"),
        (f"{REFERENCE}/G/003", "in_force"),
        (f"{REFERENCE}/G/004", "closed"),
        (f"{REFERENCE}/G/005", "terminated"),
    ]
    draft, sent, running, closed, ended = bundle["grants"]
    assert draft["application"] == grants["draft"].application.reference
    assert (draft["created_by"], draft["signed_by"], draft["start_date"]) == (FINANCE, None, None)
    assert sent["bank_account"]["iban"] == "TR330006100519786457841326"
    assert running["start_date"] == "2027-01-01" and running["signed_at"].endswith("+03:00")
    assert running["terms"]["prefinancing_ceiling_rate"] == "0.90"
    assert running["payments"] == [
        {
            "kind": "prefinancing",
            "status": "authorised",
            "period": None,
            "amount": "72000.00",
            "value_date": "2027-01-20",
            "reference": "PF-1",
            "note": "",
            "recorded_by": FINANCE,
            "recorded_at": "2027-01-15T12:30:00+03:00",
            "authorised_by": CHECKER,
            "authorised_at": "2027-01-16T12:30:00+03:00",
        },
        {
            "kind": "balance",
            "status": "cancelled",
            "period": None,
            "amount": "100.00",
            "value_date": "2027-01-20",
            "reference": "",
            "note": "Entered twice.",
            "recorded_by": CHECKER,
            "recorded_at": "2027-01-17T12:30:00+03:00",
            "authorised_by": None,
            "authorised_at": None,
        },
    ]
    (interim,) = running["reports"]
    assert interim["lines"] == [
        {"version": 1, "line": 0, "actual": "30000.00", "accepted": None, "set_aside_reason": ""},
        {"version": 1, "line": 1, "actual": "12500.50", "accepted": None, "set_aside_reason": ""},
    ]
    assert interim["indicators"] == [{"indicator": 1, "achieved": "25.00", "comment": ""}]
    assert running["amendments"][0]["details"] == {"end_date": "2029-06-30", "months": 30}
    # the closed grant: version 2 made by the approved amendment, with a partner it brought in
    assert [(v["number"], v["amendment"]) for v in closed["versions"]] == [(1, None), (2, 0)]
    newcomer = closed["versions"][1]["lines"][2]["organisation"]
    assert newcomer in [o["key"] for o in bundle["organisations"]]
    assert [
        (line["version"], line["line"], line["accepted"]) for line in closed["reports"][0]["lines"]
    ] == [(2, 0, "55000.00"), (2, 2, "30000.00")]  # in the order of the budget
    assert (closed["final_amount"], closed["paid_total"], closed["prefinancing_paid"]) == (
        "80000.00",
        "80000.00",
        "72000.00",
    )
    assert (ended["recovered_total"], ended["termination_reason"]) == (
        "22000.00",
        "The lead dissolved its agency.",
    )
    # version 1 has no place for them
    assert "grants" not in export_bundle(call, 1)

    imported = import_bundle(copy.deepcopy(bundle), replace=True)
    database.session.flush()
    database.session.expire_all()
    assert count(database, Grant) == 5
    assert export_bundle(imported) == bundle
    # the same users, found by e-mail
    payment = database.session.scalar(select(GrantPayment).where(GrantPayment.reference == "PF-1"))
    assert payment.recorded_by.email == FINANCE and payment.authorised_by.email == CHECKER


def test_the_export_reads_the_grants_in_a_fixed_number_of_queries(db):
    call, grants = grants_at_every_stage()
    database.session.expire_all()
    with count_queries(database.engine) as five:
        export_bundle(call)
    finance = database.session.scalar(select(User).where(User.email == FINANCE))
    checker = database.session.scalar(select(User).where(User.email == CHECKER))
    for _ in range(3):
        grant = make_grant("in_force", call=call, staff=finance)
        indicator = _indicators(grant)[0]
        _payment(grant, PaymentKind.prefinancing, D("72000.00"), finance, checker)
        grant.prefinancing_paid = grant.paid_total = D("72000.00")
        grant.reports.append(
            GrantReport(
                kind=ReportKind.interim,
                period=1,
                due_on=date(2028, 3, 1),
                lines=[GrantReportLine(budget_line=grant.versions[0].lines[0], actual=D("1.00"))],
                indicators=[GrantReportIndicator(indicator=indicator, achieved=D("1.00"))],
            )
        )
    database.session.flush()
    database.session.expire_all()
    with count_queries(database.engine) as eight:
        bundle = export_bundle(call)
    assert len(bundle["grants"]) == 8 and len(eight) == len(five)


def test_a_fresh_database_imports_the_grants_and_exports_them_the_same(db, tmp_path):
    """Where none of the users exist yet: they are added (by e-mail) and named the same."""
    call, _ = grants_at_every_stage()
    bundle = export_bundle(call)
    assert in_a_fresh_installation(tmp_path, bundle) == bundle


def test_a_version_2_bundle_without_grants_imports_and_its_call_has_none(db):
    call, _ = grants_at_every_stage()
    bundle = export_bundle(call)
    without = {k: v for k, v in bundle.items() if k != "grants"}
    assert problems(without) == []
    imported = import_bundle(without, replace=True)
    database.session.flush()
    assert count(database, Grant, Grant.call_id == imported.id) == 0
    # the partner only the closed grant's version 2 named (listed last) is named no more
    assert export_bundle(imported) == {
        **bundle,
        "grants": [],
        "organisations": bundle["organisations"][:-1],
    }
    assert bundle["organisations"][-1]["name"] == "Commune de Montreuil"


def test_users_not_known_here_are_added_inactive(db):
    call, grants = grants_at_every_stage()
    bundle = export_bundle(call)
    closed = bundle["grants"][3]
    closed["payments"][1]["recorded_by"] = "new.finance@ministry.example"
    closed["reports"][0]["submitted_by"] = "Coordinator@Example.org"
    import_bundle(bundle, replace=True)
    database.session.flush()
    report = database.session.scalar(select(GrantReport).where(GrantReport.period == 2))
    lead = report.grant.application.lead_id  # the imported call's (org-<id> keys are new ones)
    added = {
        u.email: u
        for u in database.session.scalars(
            select(User).where(
                User.email.in_(["new.finance@ministry.example", "coordinator@example.org"])
            )
        )
    }
    finance, member = added["new.finance@ministry.example"], added["coordinator@example.org"]
    assert (finance.role, finance.active, finance.password_hash) == (Role.staff, False, None)
    assert (member.role, member.active, member.organisation_id) == (Role.applicant, False, lead)
    assert report.submitted_by_id == member.id


def _grant(n: int) -> Callable[[dict], dict]:
    return lambda d: d["grants"][n]


CLOSED, RUNNING = _grant(3), _grant(2)


def _not_awarded(data: dict) -> None:
    other = next(a for a in data["applications"] if a["full_application"]["status"] != "awarded")
    RUNNING(data)["application"] = other["reference"]


CASES = {
    "contract of an unknown application": (
        lambda d: RUNNING(d).update(application=f"{REFERENCE}-0999"),
        f"$.grants[2].application: no application '{REFERENCE}-0999'",
    ),
    "contract of an application not awarded": (
        _not_awarded,
        f"$.grants[2].application: '{REFERENCE}-0006' is not awarded",
    ),
    "two contracts of one application": (
        lambda d: RUNNING(d).update(application=CLOSED(d)["application"]),
        "$.grants[3].application: duplicate contract of an application",
    ),
    "a number that is not the sequence's": (
        lambda d: RUNNING(d).update(number=f"{REFERENCE}/G/009"),
        f"$.grants[2].number: '{REFERENCE}/G/009' is not contract number 3 of the call",
    ),
    "a maximum grant above the award": (
        lambda d: RUNNING(d)["versions"][0].update(max_grant="95000.00"),
        "$.grants[2].versions[0].max_grant: 95000.00 is above the amount awarded (90000.00)",
    ),
    "paid above the final amount": (
        lambda d: CLOSED(d).update(final_amount="79999.99"),
        "$.grants[3].paid_total: 80000.00 is above final_amount (79999.99)",
    ),
    "pre-financing above its ceiling": (
        lambda d: RUNNING(d).update(prefinancing_ceiling="70000.00"),
        "$.grants[2].prefinancing_paid: 72000.00 is above prefinancing_ceiling (70000.00)",
    ),
    "a total that is not the payments' sum": (
        lambda d: CLOSED(d).update(paid_total="81000.00"),
        "$.grants[3].paid_total: 81000.00 is not the sum of the authorised payments it counts "
        "(80000.00)",
    ),
    "a recovery not counted": (
        lambda d: _grant(4)(d).update(recovered_total="0.00"),
        "$.grants[4].recovered_total: 0.00 is not the sum of the authorised payments",
    ),
    "authorised by who recorded it": (
        lambda d: RUNNING(d)["payments"][0].update(authorised_by=FINANCE.upper()),
        f"$.grants[2].payments[0].authorised_by: '{FINANCE.upper()}' recorded the payment",
    ),
    "authorised by nobody": (
        lambda d: RUNNING(d)["payments"][0].update(authorised_by=None),
        "$.grants[2].payments[0].authorised_by: authorised_by and authorised_at are given exactly "
        "when the status is authorised",
    ),
    "a payment of nothing": (
        lambda d: RUNNING(d)["payments"][1].update(amount="0.00"),
        "$.grants[2].payments[1].amount: 0.00 must be above 0",
    ),
    "a report line the version does not have": (
        lambda d: RUNNING(d)["reports"][0]["lines"][1].update(line=5),
        "$.grants[2].reports[0].lines[1].line: version 1 has no line 5 (2 lines)",
    ),
    "a report line of a version the grant does not have": (
        lambda d: RUNNING(d)["reports"][0]["lines"][1].update(version=3),
        "$.grants[2].reports[0].lines[1].version: the grant has no version 3",
    ),
    "accepted above the actual cost": (
        lambda d: CLOSED(d)["reports"][0]["lines"][0].update(accepted="58000.01"),
        "$.grants[3].reports[0].lines[0].accepted: 58000.01 is above the actual cost (58000.00)",
    ),
    "an indicator the grant does not have": (
        lambda d: RUNNING(d)["reports"][0]["indicators"][0].update(indicator=2),
        "$.grants[2].reports[0].indicators[0].indicator: the grant has no indicator 2",
    ),
    "a budget line of an unknown organisation": (
        lambda d: CLOSED(d)["versions"][1]["lines"][2].update(organisation="nobody"),
        "$.grants[3].versions[1].lines[2].organisation: unknown organisation 'nobody'",
    ),
    "a version made by an amendment not approved": (
        lambda d: CLOSED(d)["amendments"][0].update(status="refused"),
        "$.grants[3].versions[1].amendment: amendment 0 is refused, not approved",
    ),
    "a report given twice": (
        lambda d: RUNNING(d)["reports"].append(copy.deepcopy(RUNNING(d)["reports"][0])),
        "$.grants[2].reports[1]: duplicate report (kind, period)",
    ),
    "a time without its offset": (
        lambda d: CLOSED(d).update(closed_at="2029-05-01T09:30:00"),
        "$.grants[3].closed_at: '2029-05-01T09:30:00' is not a 'date-time'",
    ),
    "a day that does not exist": (
        lambda d: RUNNING(d)["payments"][0].update(value_date="2027-02-30"),
        "$.grants[2].payments[0].value_date: '2027-02-30' is not a 'date'",
    ),
    "money as a number": (
        lambda d: CLOSED(d).update(final_amount=80000),
        "$.grants[3].final_amount: 80000 is not of type",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_wrong_grant_is_refused_with_its_path(db, case):
    call, _ = grants_at_every_stage()
    make_application(call, status="not_selected")
    bundle = export_bundle(call)
    before = export_bundle(call)
    change, expected = CASES[case]
    change(bundle)
    found = problems(bundle)
    assert any(p.startswith(expected) for p in found), found
    with pytest.raises(BundleError):
        import_bundle(bundle, replace=True)
    assert export_bundle(call) == before


def test_staff_acts_by_a_user_who_is_not_staff_are_refused(db):
    call, grants = grants_at_every_stage()
    bundle = export_bundle(call)
    member = database.session.get(User, grants["closed"].signed_by_id)
    bundle["grants"][3]["payments"][1]["recorded_by"] = member.email
    with pytest.raises(BundleError) as refused:
        import_bundle(bundle, replace=True)
    assert refused.value.problems == [
        f"$.grants[3].payments[1].recorded_by: '{member.email}' is a applicant user, not staff"
    ]
    assert database.session.scalar(select(Call).where(Call.id == call.id)) is not None
    assert count(database, Grant, Grant.status == GrantStatus.closed) == 1
