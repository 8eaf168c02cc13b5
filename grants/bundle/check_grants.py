"""The grants in a bundle (version 2, optional): each the contract of an awarded application the
bundle holds, once; numbered as the call numbers its contracts; its money within the limits the
database's CHECKs keep (paid within the final amount or the maximum grant, pre-financing within its
ceiling, the totals the sums of the authorised payments, accepted within reported, four eyes);
reports naming lines and indicators the grant has."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from grants.bundle.check_helpers import checked_time, unique
from grants.rules.grant_terms import contract_number

ZERO = Decimal("0.00")
TIMES = (
    "created_at",
    "sent_at",
    "signed_at",
    "countersigned_at",
    "closed_at",
    "terminated_at",
)


def check_grants(data: dict, orgs: set, problems: list[str]) -> None:
    grants = data.get("grants") or []
    apps = {a["reference"]: a for a in data["applications"]}
    reference = data["call"]["reference"]
    for field, what in (
        ("application", "contract of an application"),
        ("number", "contract number"),
        ("sequence", "contract sequence"),
    ):
        unique(((f"$.grants[{i}].{field}", g[field]) for i, g in enumerate(grants)), what, problems)
    for i, grant in enumerate(grants):
        path = f"$.grants[{i}]"
        _application(grant, apps.get(grant["application"]), path, problems)
        if grant["number"] != contract_number(reference, grant["sequence"]):
            problems.append(
                f"{path}.number: '{grant['number']}' is not contract number {grant['sequence']} "
                f"of the call ('{contract_number(reference, grant['sequence'])}')"
            )
        _money(grant, path, problems)
        _dates(grant, path, problems)
        _versions(grant, orgs, path, problems)
        _payments(grant, path, problems)
        _reports(grant, path, problems)
        for j, amendment in enumerate(grant["amendments"]):
            where = f"{path}.amendments[{j}]"
            checked_time(amendment["requested_at"], f"{where}.requested_at", problems)
            checked_time(amendment["decided_at"], f"{where}.decided_at", problems)


def _application(grant: dict, app: dict | None, path: str, problems: list[str]) -> None:
    if app is None:
        problems.append(f"{path}.application: no application '{grant['application']}'")
        return
    stage = app.get("full_application") or {}
    if stage.get("status") != "awarded" or stage.get("awarded_amount") is None:
        problems.append(
            f"{path}.application: '{grant['application']}' is not awarded: only an awarded "
            f"application has a contract"
        )
        return
    awarded = Decimal(stage["awarded_amount"])
    for where, item in [(path, grant)] + [
        (f"{path}.versions[{j}]", v) for j, v in enumerate(grant["versions"])
    ]:
        if Decimal(item["max_grant"]) > awarded:
            problems.append(
                f"{where}.max_grant: {item['max_grant']} is above the amount awarded "
                f"({stage['awarded_amount']})"
            )


def _money(grant: dict, path: str, problems: list[str]) -> None:
    """The limits of the grant table's CHECKs, and its totals as the authorised payments give
    them."""
    amount = {
        name: Decimal(grant[name])
        for name in (
            "max_grant",
            "contract_total",
            "prefinancing_ceiling",
            "prefinancing_paid",
            "paid_total",
        )
    }
    final = None if grant["final_amount"] is None else Decimal(grant["final_amount"])
    limits = [
        ("max_grant", amount["max_grant"] > ZERO, "must be above 0"),
        (
            "max_grant",
            amount["max_grant"] <= amount["contract_total"],
            f"is above contract_total ({grant['contract_total']})",
        ),
        (
            "prefinancing_ceiling",
            amount["prefinancing_ceiling"] <= amount["max_grant"],
            f"is above max_grant ({grant['max_grant']})",
        ),
        (
            "final_amount",
            final is None or final <= amount["max_grant"],
            f"is above max_grant ({grant['max_grant']})",
        ),
        (
            "prefinancing_paid",
            amount["prefinancing_paid"] <= amount["prefinancing_ceiling"],
            f"is above prefinancing_ceiling ({grant['prefinancing_ceiling']})",
        ),
        (
            "paid_total",
            amount["paid_total"] >= amount["prefinancing_paid"],
            f"is below prefinancing_paid ({grant['prefinancing_paid']})",
        ),
        (
            "paid_total",
            amount["paid_total"] <= (amount["max_grant"] if final is None else final),
            f"is above final_amount ({grant['final_amount']})"
            if final is not None
            else f"is above max_grant ({grant['max_grant']}, there is no final amount yet)",
        ),
    ]
    for name, holds, rule in limits:
        if not holds:
            problems.append(f"{path}.{name}: {grant[name]} {rule}")
    authorised = {"prefinancing": ZERO, "balance": ZERO, "recovery": ZERO}
    for payment in grant["payments"]:
        if payment["status"] == "authorised":
            authorised[payment["kind"]] += Decimal(payment["amount"])
    sums = {
        "prefinancing_paid": authorised["prefinancing"],
        "paid_total": authorised["prefinancing"] + authorised["balance"],
        "recovered_total": authorised["recovery"],
    }
    for name, total in sums.items():
        if Decimal(grant[name]) != total:
            problems.append(
                f"{path}.{name}: {grant[name]} is not the sum of the authorised payments it "
                f"counts ({total})"
            )


def _day(value: str | None, path: str, problems: list[str]) -> date | None:
    try:
        return None if value is None else date.fromisoformat(value)
    except ValueError:
        problems.append(f"{path}: '{value}' is not a date")
        return None


def _dates(grant: dict, path: str, problems: list[str]) -> None:
    for name in TIMES:
        checked_time(grant[name], f"{path}.{name}", problems)
    _day(grant["set_start"], f"{path}.set_start", problems)
    start = _day(grant["start_date"], f"{path}.start_date", problems)
    end = _day(grant["end_date"], f"{path}.end_date", problems)
    if start and end and end < start:
        problems.append(f"{path}.end_date: {end} is before start_date ({start})")


def _versions(grant: dict, orgs: set, path: str, problems: list[str]) -> None:
    versions = grant["versions"]
    unique(
        ((f"{path}.versions[{j}].number", v["number"]) for j, v in enumerate(versions)),
        "version number",
        problems,
    )
    amendments = grant["amendments"]
    for j, version in enumerate(versions):
        where = f"{path}.versions[{j}]"
        if Decimal(version["max_grant"]) <= ZERO:
            problems.append(f"{where}.max_grant: {version['max_grant']} must be above 0")
        if Decimal(version["contract_total"]) <= ZERO:
            problems.append(f"{where}.contract_total: {version['contract_total']} must be above 0")
        checked_time(version["created_at"], f"{where}.created_at", problems)
        _day(version["end_date"], f"{where}.end_date", problems)
        made_by = version["amendment"]
        if made_by is not None and made_by >= len(amendments):
            problems.append(
                f"{where}.amendment: the grant has no amendment {made_by} "
                f"({len(amendments)} amendments)"
            )
        elif made_by is not None and amendments[made_by]["status"] != "approved":
            problems.append(
                f"{where}.amendment: amendment {made_by} is {amendments[made_by]['status']}, "
                f"not approved"
            )
        for k, line in enumerate(version["lines"]):
            key = line["organisation"]
            if key is not None and key not in orgs:
                problems.append(f"{where}.lines[{k}].organisation: unknown organisation '{key}'")


def _payments(grant: dict, path: str, problems: list[str]) -> None:
    for j, payment in enumerate(grant["payments"]):
        where = f"{path}.payments[{j}]"
        if Decimal(payment["amount"]) <= ZERO:
            problems.append(f"{where}.amount: {payment['amount']} must be above 0")
        _day(payment["value_date"], f"{where}.value_date", problems)
        checked_time(payment["recorded_at"], f"{where}.recorded_at", problems)
        checked_time(payment["authorised_at"], f"{where}.authorised_at", problems)
        by = payment["authorised_by"]
        if by is not None and by.lower() == payment["recorded_by"].lower():
            problems.append(
                f"{where}.authorised_by: '{by}' recorded the payment: another staff member "
                f"authorises it (four eyes)"
            )
        given = by is not None and payment["authorised_at"] is not None
        if (payment["status"] == "authorised") != given:
            problems.append(
                f"{where}.authorised_by: authorised_by and authorised_at are given exactly when "
                f"the status is authorised"
            )


def _reports(grant: dict, path: str, problems: list[str]) -> None:
    reports = grant["reports"]
    unique(
        ((f"{path}.reports[{j}]", (r["kind"], r["period"])) for j, r in enumerate(reports)),
        "report (kind, period)",
        problems,
    )
    lines = {v["number"]: len(v["lines"]) for v in grant["versions"]}
    indicators = len(grant["indicators"])
    for j, report in enumerate(reports):
        where = f"{path}.reports[{j}]"
        _day(report["due_on"], f"{where}.due_on", problems)
        checked_time(report["submitted_at"], f"{where}.submitted_at", problems)
        checked_time(report["reviewed_at"], f"{where}.reviewed_at", problems)
        unique(
            (
                (f"{where}.lines[{k}]", (line["version"], line["line"]))
                for k, line in enumerate(report["lines"])
            ),
            "budget line (version, line)",
            problems,
        )
        for k, line in enumerate(report["lines"]):
            at = f"{where}.lines[{k}]"
            if line["version"] not in lines:
                problems.append(f"{at}.version: the grant has no version {line['version']}")
            elif line["line"] >= lines[line["version"]]:
                problems.append(
                    f"{at}.line: version {line['version']} has no line {line['line']} "
                    f"({lines[line['version']]} lines)"
                )
            if line["accepted"] is not None and Decimal(line["accepted"]) > Decimal(line["actual"]):
                problems.append(
                    f"{at}.accepted: {line['accepted']} is above the actual cost ({line['actual']})"
                )
        unique(
            (
                (f"{where}.indicators[{k}].indicator", value["indicator"])
                for k, value in enumerate(report["indicators"])
            ),
            "indicator",
            problems,
        )
        for k, value in enumerate(report["indicators"]):
            if value["indicator"] >= indicators:
                problems.append(
                    f"{where}.indicators[{k}].indicator: the grant has no indicator "
                    f"{value['indicator']} ({indicators} indicators)"
                )
