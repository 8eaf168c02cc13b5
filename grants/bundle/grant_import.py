"""The grants of a bundle read back (the format: grant_records.py), and deleted with the call.

Users are named by e-mail address; on import an address not known here becomes an inactive user
without a password: a staff member where staff acted (recorded, authorised, countersigned,
reviewed, decided, prepared), else a member of the lead organisation (signed, submitted, asked).
The import adds the lists in the order the bundle gives them (an order that does not depend on
database ids), so that an imported call exports the same bundle."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from sqlalchemy import Delete, delete, func, select

from grants.bundle.formats import parse_decimal, parse_time
from grants.bundle.validate import BundleError
from grants.extensions import db
from grants.models import (
    ApplicationStage,
    Call,
    Grant,
    GrantAmendment,
    GrantBudgetLine,
    GrantDue,
    GrantIndicator,
    GrantPayment,
    GrantReport,
    GrantReportIndicator,
    GrantReportLine,
    GrantVersion,
    Organisation,
    Role,
    Stage,
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
from grants.rules.grant_terms import Scheme

STAFF_ROLES = (Role.staff, Role.admin)
# where each user is named: (path below a grant, does staff act there)
STAFF, BENEFICIARY = True, False
GRANT_USERS = (
    ("created_by", STAFF),
    ("signed_by", BENEFICIARY),
    ("countersigned_by", STAFF),
)


def _named(item: dict, i: int) -> Iterator[tuple[str, str, bool]]:
    """(path, e-mail, staff acted) of every user the grant `item` (grants[i]) names."""
    path = f"$.grants[{i}]"
    for field, staff in GRANT_USERS:
        yield f"{path}.{field}", item[field], staff
    for j, version in enumerate(item["versions"]):
        yield f"{path}.versions[{j}].created_by", version["created_by"], STAFF
    for j, amendment in enumerate(item["amendments"]):
        yield f"{path}.amendments[{j}].requested_by", amendment["requested_by"], BENEFICIARY
        yield f"{path}.amendments[{j}].decided_by", amendment["decided_by"], STAFF
    for j, payment in enumerate(item["payments"]):
        yield f"{path}.payments[{j}].recorded_by", payment["recorded_by"], STAFF
        yield f"{path}.payments[{j}].authorised_by", payment["authorised_by"], STAFF
    for j, report in enumerate(item["reports"]):
        yield f"{path}.reports[{j}].submitted_by", report["submitted_by"], BENEFICIARY
        yield f"{path}.reports[{j}].reviewed_by", report["reviewed_by"], STAFF


def people(data: dict, known: list[User], orgs: dict[str, Organisation]) -> dict[str, User]:
    """E-mail (lower case) -> the user of every address the bundle's grants name: one the
    bundle's evaluators or staff already are (`known`), one in the database, or a new inactive
    user without a password (staff where staff acted, else a member of the lead). Staff's acts
    by a user who is not staff are refused. Before the call is replaced: a refusal leaves it."""
    items = data.get("grants") or []
    named = [
        (path, email.lower(), staff, item)
        for i, item in enumerate(items)
        for path, email, staff in _named(item, i)
        if email
    ]
    if not named:
        return {}
    leads = {a["reference"]: orgs[a["lead"]] for a in data["applications"]}
    found_users = {u.email.lower(): u for u in known}
    wanted = {email for _, email, _, _ in named} - set(found_users)
    if wanted:
        found_users.update(
            (u.email.lower(), u)
            for u in db.session.scalars(select(User).where(func.lower(User.email).in_(wanted)))
        )
    found = []
    for path, email, staff, item in sorted(named, key=lambda n: not n[2]):  # staff's acts first
        user = found_users.get(email)
        if user is None:
            user = User(email=email, name=email, active=False)
            if staff:
                user.role = Role.staff
            else:
                user.role, user.organisation = Role.applicant, leads[item["application"]]
            db.session.add(user)
            found_users[email] = user
        elif staff and user.role not in STAFF_ROLES:
            found.append(f"{path}: '{email}' is a {user.role.value} user, not staff")
    if found:
        raise BundleError(found)
    return found_users


def add_grants(
    data: dict,
    call: Call,
    stages: dict[tuple[str, str], ApplicationStage],
    users: dict[str, User],
    orgs: dict[str, Organisation],
) -> None:
    """The bundle's grants on the imported call (whose stages, users (by e-mail, from `people`)
    and organisations have ids by now), in the bundle's order: each grant with its amendments and
    indicators, then its versions (which name the amendments), payments and reports."""
    items = data.get("grants") or []
    if not items:
        return

    def user_id(email: str | None) -> int | None:
        return None if email is None else users[email.lower()].id

    grants = [
        _grant_row(item, call, stages[(item["application"], Stage.full_application.value)], user_id)
        for item in items
    ]
    db.session.add_all(grants)
    db.session.flush()  # the amendments have ids: the versions name them
    for item, grant in zip(items, grants):
        versions = {}
        for version in item["versions"]:
            row = GrantVersion(
                number=version["number"],
                max_grant=parse_decimal(version["max_grant"]),
                contract_total=parse_decimal(version["contract_total"]),
                indirect=parse_decimal(version["indirect"]),
                contingency=parse_decimal(version["contingency"]),
                months=version["months"],
                end_date=_date(version["end_date"]),
                amendment_id=(
                    None
                    if version["amendment"] is None
                    else grant.amendments[version["amendment"]].id
                ),
                created_by_id=user_id(version["created_by"]),
                created_at=parse_time(version["created_at"]),
                lines=[
                    GrantBudgetLine(
                        position=n,
                        heading=line["heading"],
                        description=line["description"],
                        amount=parse_decimal(line["amount"]),
                        organisation_id=orgs[line["organisation"]].id
                        if line["organisation"]
                        else None,
                    )
                    for n, line in enumerate(version["lines"])
                ],
            )
            grant.versions.append(row)
            versions[version["number"]] = row
        grant.payments.extend(_payment(p, user_id) for p in item["payments"])
        grant.reports.extend(_report_row(r, user_id, versions, grant) for r in item["reports"])
    db.session.flush()


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _grant_row(
    item: dict,
    call: Call,
    stage: ApplicationStage,
    user_id: Callable[[str | None], int | None],
) -> Grant:
    bank = item["bank_account"]
    return Grant(
        call_id=call.id,
        application_id=stage.application_id,
        sequence=item["sequence"],
        number=item["number"],
        status=GrantStatus(item["status"]),
        max_grant=parse_decimal(item["max_grant"]),
        contract_total=parse_decimal(item["contract_total"]),
        months=item["months"],
        scheme=Scheme(item["scheme"]),
        terms=item["terms"],
        set_start=_date(item["set_start"]),
        start_date=_date(item["start_date"]),
        end_date=_date(item["end_date"]),
        account_holder=bank["holder"],
        iban=bank["iban"],
        bic=bank["bic"],
        bank_name=bank["bank_name"],
        prefinancing_ceiling=parse_decimal(item["prefinancing_ceiling"]),
        prefinancing_paid=parse_decimal(item["prefinancing_paid"]),
        paid_total=parse_decimal(item["paid_total"]),
        recovered_total=parse_decimal(item["recovered_total"]),
        authorised_contingency=parse_decimal(item["authorised_contingency"]),
        final_amount=parse_decimal(item["final_amount"]),
        created_by_id=user_id(item["created_by"]),
        created_at=parse_time(item["created_at"]),
        sent_at=parse_time(item["sent_at"]),
        signed_by_id=user_id(item["signed_by"]),
        signed_at=parse_time(item["signed_at"]),
        countersigned_by_id=user_id(item["countersigned_by"]),
        countersigned_at=parse_time(item["countersigned_at"]),
        closed_at=parse_time(item["closed_at"]),
        terminated_at=parse_time(item["terminated_at"]),
        termination_reason=item["termination_reason"],
        indicators=[
            GrantIndicator(
                position=n,
                result=i["result"],
                description=i["description"],
                unit=i["unit"],
                baseline=parse_decimal(i["baseline"]),
                target=parse_decimal(i["target"]),
            )
            for n, i in enumerate(item["indicators"])
        ],
        amendments=[
            GrantAmendment(
                kind=AmendmentKind(a["kind"]),
                status=AmendmentStatus(a["status"]),
                justification=a["justification"],
                details=a["details"],
                requested_by_id=user_id(a["requested_by"]),
                requested_at=parse_time(a["requested_at"]),
                decided_by_id=user_id(a["decided_by"]),
                decided_at=parse_time(a["decided_at"]),
                decision_reason=a["decision_reason"],
            )
            for a in item["amendments"]
        ],
    )


def _payment(item: dict, user_id: Callable[[str | None], int | None]) -> GrantPayment:
    return GrantPayment(
        kind=PaymentKind(item["kind"]),
        status=PaymentStatus(item["status"]),
        period=item["period"],
        amount=parse_decimal(item["amount"]),
        value_date=_date(item["value_date"]),
        reference=item["reference"],
        note=item["note"],
        recorded_by_id=user_id(item["recorded_by"]),
        recorded_at=parse_time(item["recorded_at"]),
        authorised_by_id=user_id(item["authorised_by"]),
        authorised_at=parse_time(item["authorised_at"]),
    )


def _report_row(
    item: dict,
    user_id: Callable[[str | None], int | None],
    versions: dict[int, GrantVersion],
    grant: Grant,
) -> GrantReport:
    return GrantReport(
        kind=ReportKind(item["kind"]),
        period=item["period"],
        status=ReportStatus(item["status"]),
        due_on=_date(item["due_on"]),
        activities=item["activities"],
        reported_indirect=parse_decimal(item["reported_indirect"]),
        reported_contingency=parse_decimal(item["reported_contingency"]),
        verification_name=item["verification_name"],
        submitted_by_id=user_id(item["submitted_by"]),
        submitted_at=parse_time(item["submitted_at"]),
        reviewed_by_id=user_id(item["reviewed_by"]),
        reviewed_at=parse_time(item["reviewed_at"]),
        comments=item["comments"],
        lines=[
            GrantReportLine(
                budget_line=versions[line["version"]].lines[line["line"]],
                actual=parse_decimal(line["actual"]),
                accepted=parse_decimal(line["accepted"]),
                set_aside_reason=line["set_aside_reason"],
            )
            for line in item["lines"]
        ],
        indicators=[
            GrantReportIndicator(
                indicator=grant.indicators[i["indicator"]],
                achieved=parse_decimal(i["achieved"]),
                comment=i["comment"],
            )
            for i in item["indicators"]
        ],
    )


def deletes(call_id: int) -> list[Delete]:
    """The statements that delete the call's grants and everything of them, children first."""
    grants = select(Grant.id).where(Grant.call_id == call_id)
    reports = select(GrantReport.id).where(GrantReport.grant_id.in_(grants))
    versions = select(GrantVersion.id).where(GrantVersion.grant_id.in_(grants))
    return [
        delete(GrantReportIndicator).where(GrantReportIndicator.report_id.in_(reports)),
        delete(GrantReportLine).where(GrantReportLine.report_id.in_(reports)),
        delete(GrantReport).where(GrantReport.grant_id.in_(grants)),
        delete(GrantPayment).where(GrantPayment.grant_id.in_(grants)),
        delete(GrantBudgetLine).where(GrantBudgetLine.version_id.in_(versions)),
        delete(GrantVersion).where(GrantVersion.grant_id.in_(grants)),
        delete(GrantAmendment).where(GrantAmendment.grant_id.in_(grants)),
        delete(GrantIndicator).where(GrantIndicator.grant_id.in_(grants)),
        delete(GrantDue).where(GrantDue.grant_id.in_(grants)),  # the new grants' come on flush
        delete(Grant).where(Grant.call_id == call_id),
    ]
