"""Contract commands (docs/domain.md 7): prepare the contract of an awarded application; staff
fill in the bank account and send it; the lead accepts it or uploads it signed; staff countersign.
Every step moves the grant's version (a conditional UPDATE: a stale page or a second click is
refused) and its status through the one writer (grants.status.move_grant_object, audited).

The contract copies, at preparation: the maximum grant (the awarded amount), the application's
budget as the contract budget (version 1), its duration as the implementation period, the call's
grant numbers (`Call.grant_terms()`, kept on the grant: a later change of the call's settings does
not move a contract), the payment scheme those numbers give, the pre-financing ceiling, and the
logical framework's indicators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app, url_for
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from grants import files, mail, storage
from grants.audit import record
from grants.auth.queries import acting_members
from grants.extensions import db
from grants.i18n import LazyText
from grants.i18n import lazy_gettext as _l
from grants.models import Application, Call, Grant, GrantBudgetLine, GrantIndicator, GrantVersion
from grants.models.calls import Stage
from grants.rules.budget import line_total
from grants.rules.contract import BankAccountRefused, check_bic, check_iban, in_force_dates
from grants.rules.grant_payments import ceiling
from grants.rules.grant_status import GrantStatus
from grants.rules.grant_terms import contract_number, grant_rate, scheme_for, terms_data
from grants.rules.problems import N_, Amount, Issue, Refused
from grants.rules.transitions import StageStatus
from grants.status import move_grant_object


class ContractRefused(Refused):
    """A contract that cannot be prepared or changed as asked."""


def prepare(application: Application, user_id: int | None, now: datetime) -> Grant:
    """The contract (a draft grant) of an awarded application, numbered next in its call.

    One contract per application: a second request (a double click, two tabs) is refused. The
    call's row is locked while the number is taken, so two contracts prepared at once get
    consecutive numbers, without gap or duplicate."""
    db.session.scalar(select(Call.id).where(Call.id == application.call_id).with_for_update())
    if db.session.scalar(select(Grant.id).where(Grant.application_id == application.id)):
        raise ContractRefused(N_("This application already has a contract."))
    stage = application.stage(Stage.full_application)
    if stage is None or stage.status is not StageStatus.awarded or not stage.awarded_amount:
        raise ContractRefused(N_("Only an awarded application gets a contract."))
    if not application.duration_months:
        raise ContractRefused(
            N_("The application gives no duration: the implementation period is unknown."),
            field="months",
        )
    call = application.call
    terms = call.grant_terms()
    lines = [
        GrantBudgetLine(
            position=n,
            heading=line.heading,
            description=line.description,
            amount=line_total(line),
            organisation_id=line.organisation_id,
        )
        for n, line in enumerate(application.budget_lines)
    ]
    total = sum((line.amount for line in lines), application.indirect + application.contingency)
    max_grant = stage.awarded_amount
    grant_rate(max_grant, total)  # refuses a maximum above the total or a budget of zero
    months = application.duration_months
    sequence = (
        db.session.scalar(select(func.max(Grant.sequence)).where(Grant.call_id == call.id)) or 0
    ) + 1
    grant = Grant(
        call_id=call.id,
        application_id=application.id,
        sequence=sequence,
        number=contract_number(call.reference, sequence),
        max_grant=max_grant,
        contract_total=total,
        months=months,
        scheme=scheme_for(months, max_grant, terms),
        terms=terms_data(terms),
        prefinancing_ceiling=ceiling(max_grant, terms),
        created_by_id=user_id,
        created_at=now,
    )
    grant.versions.append(
        GrantVersion(
            number=1,
            max_grant=max_grant,
            contract_total=total,
            indirect=application.indirect,
            contingency=application.contingency,
            months=months,
            lines=lines,
            created_by_id=user_id,
            created_at=now,
        )
    )
    position = 0
    for result in application.results:
        for indicator in result.indicators:
            grant.indicators.append(
                GrantIndicator(
                    position=position,
                    result=result.text,
                    description=indicator.description,
                    unit=indicator.unit,
                    baseline=indicator.baseline or 0,
                    target=indicator.target or 0,
                )
            )
            position += 1
    db.session.add(grant)
    db.session.flush()
    record(
        "grant.prepared",
        grant,
        None,
        {"number": grant.number, "max_grant": max_grant, "status": grant.status},
        user_id,
    )
    return grant


# Staff edit the draft: the bank account and a later start --------------------------------------


@dataclass(frozen=True)
class Account:
    """What staff typed for the beneficiary's bank account and the contract's start."""

    holder: str
    iban: str
    bic: str = ""
    bank_name: str = ""
    set_start: date | None = None


ACCOUNT_FIELDS = ("account_holder", "iban", "bic", "bank_name", "set_start")
STALE = N_(
    "Someone else changed this contract after you opened it, so nothing was saved. What you "
    "typed is kept below, beside what is saved now: check it and save again."
)


def claim(grant: Grant, loaded_version: int | None) -> None:
    """Bump the grant's version if it is still the one the page was loaded with; refused (nothing
    written) otherwise. The conditional UPDATE also serialises two saves or two actions at once (a
    double click, two tabs): the second finds the version moved and is refused."""
    table = Grant.__table__
    claimed = db.session.execute(
        update(table)
        .where(table.c.id == grant.id, table.c.version == (loaded_version or 0))
        .values(version=table.c.version + 1)
    ).rowcount
    db.session.refresh(grant)
    if not claimed:
        raise ContractRefused(STALE)


def _require(grant: Grant, status: GrantStatus, message: str) -> None:
    if grant.status is not status:
        raise ContractRefused(message)


def save_account(grant: Grant, account: Account, loaded_version: int | None, user_id: int) -> None:
    """Save the bank account (IBAN and BIC checked, kept in electronic form) and the optional later
    start of a draft contract."""
    _require(grant, GrantStatus.draft, N_("Only a draft contract can be changed."))
    issues = []
    values: dict[str, object] = {
        "account_holder": account.holder.strip(),
        "bank_name": account.bank_name.strip(),
        "set_start": account.set_start,
    }
    if not values["account_holder"]:
        issues.append(Issue("account_holder", N_("Enter the name of the account holder."), {}))
    for name, check in (("iban", check_iban), ("bic", check_bic)):
        try:
            values[name] = check(getattr(account, name))
        except BankAccountRefused as refused:
            issues.extend(refused.issues)
    if issues:
        raise ContractRefused(issues=issues)
    claim(grant, loaded_version)
    before = {name: getattr(grant, name) for name in ACCOUNT_FIELDS}
    for name, value in values.items():
        setattr(grant, name, value)
    db.session.flush()
    record(
        "grant.account_saved",
        grant,
        {**before, "version": grant.version - 1},
        {**values, "version": grant.version},
        user_id,
    )


def revise_budget(
    grant: Grant,
    amounts: dict[int, Decimal],
    indirect: Decimal,
    contingency: Decimal,
    wanted_max: Decimal | None,
    loaded_version: int | None,
    user_id: int,
) -> None:
    """Correct the contract budget of a draft before it is sent (PRAG: arithmetical errors,
    costs found ineligible), by the rules of a budget amendment: the call's limits hold, the grant
    rate is kept (a smaller budget lowers the maximum grant with it) and the maximum grant, the
    amount awarded, is never raised. Contract version 1 holds the corrected budget."""
    _require(grant, GrantStatus.draft, N_("Only a draft contract can be changed."))
    version = grant.current
    lines = {line.id: line for line in version.lines}
    if set(amounts) != set(lines):
        raise ContractRefused(N_("Give an amount for every line of the budget."), field="lines")
    if wanted_max is not None and wanted_max > grant.max_grant:
        raise ContractRefused(
            N_(
                "The maximum grant is the amount awarded, %(current)s: a correction before "
                "signature never raises it (%(wanted)s was asked)."
            ),
            field="max_grant",
            current=Amount(grant.max_grant, grant.call.currency),
            wanted=Amount(wanted_max, grant.call.currency),
        )
    new = grant.amended_budget([amounts[i] for i in lines], indirect, contingency, wanted_max)
    claim(grant, loaded_version)
    before = _budget_record(grant)
    for line_id, line in lines.items():
        line.amount = amounts[line_id]
    version.indirect, version.contingency = indirect, contingency
    version.contract_total = grant.contract_total = new.total
    version.max_grant = grant.max_grant = new.max_grant
    terms = grant.grant_terms()
    grant.scheme = scheme_for(grant.months, new.max_grant, terms)
    grant.prefinancing_ceiling = ceiling(new.max_grant, terms)
    db.session.flush()
    record(
        "grant.budget_revised",
        grant,
        {**before, "version": grant.version - 1},
        {**_budget_record(grant), "version": grant.version},
        user_id,
    )


def _budget_record(grant: Grant) -> dict:
    version = grant.current
    return {
        "lines": {str(line.id): str(line.amount) for line in version.lines},
        "indirect": version.indirect,
        "contingency": version.contingency,
        "contract_total": grant.contract_total,
        "max_grant": grant.max_grant,
    }


def send(grant: Grant, loaded_version: int | None, user_id: int, now: datetime) -> int:
    """Send the draft contract to the lead for signature (draft -> sent) and tell the lead's
    members by e-mail; returns how many were told."""
    _require(grant, GrantStatus.draft, N_("Only a draft contract can be sent."))
    if not grant.account_holder or not grant.iban:
        raise ContractRefused(
            N_("Enter the beneficiary's bank account (holder and IBAN) before sending.")
        )
    claim(grant, loaded_version)
    grant.sent_at = now
    move_grant_object(grant, GrantStatus.sent, action="grant.sent", user_id=user_id)
    db.session.flush()
    subject = _l("Contract %(number)s: ready for your signature", number=grant.number)
    return _tell_lead(grant, subject, "contract_sent")


def back_to_draft(grant: Grant, loaded_version: int | None, user_id: int) -> None:
    """Take a sent contract back to correct it, before the lead signs (sent -> draft)."""
    _require(
        grant, GrantStatus.sent, N_("Only a contract sent and not yet signed can be taken back.")
    )
    claim(grant, loaded_version)
    grant.sent_at = None
    move_grant_object(grant, GrantStatus.draft, action="grant.back_to_draft", user_id=user_id)
    db.session.flush()


# The lead signs, staff countersign --------------------------------------------------------------


def accept(grant: Grant, loaded_version: int | None, user_id: int, now: datetime) -> None:
    """A member acting for the lead accepts the contract in the application (sent -> signed)."""
    _require(grant, GrantStatus.sent, N_("This contract is not waiting for your signature."))
    claim(grant, loaded_version)
    grant.signed_by_id, grant.signed_at = user_id, now
    move_grant_object(
        grant,
        GrantStatus.signed,
        action="grant.signed",
        user_id=user_id,
        after={"signed_at": now, "how": "accepted"},
    )
    db.session.flush()


def upload_signed(
    grant: Grant, file: FileStorage, loaded_version: int | None, user_id: int, now: datetime
) -> None:
    """A member acting for the lead uploads the contract signed on paper, as a PDF (sent ->
    signed). The file is checked by its content and stored like a submission's attachments."""
    _require(grant, GrantStatus.sent, N_("This contract is not waiting for your signature."))
    data = storage.read_limited(file.stream, current_app.config["UPLOAD_MAX_BYTES"])
    storage.check_content(data, (storage.PDF,))
    claim(grant, loaded_version)
    grant.signed_file = files.save(data)
    grant.signed_by_id, grant.signed_at = user_id, now
    move_grant_object(
        grant,
        GrantStatus.signed,
        action="grant.signed",
        user_id=user_id,
        after={"signed_at": now, "how": "uploaded", "size": len(data)},
    )
    db.session.flush()


def countersign(grant: Grant, loaded_version: int | None, user_id: int, now: datetime) -> int:
    """Staff countersign the signed contract (signed -> in force): it starts the day after the
    last signature in the call's time zone (or on the later start it sets) and ends its months
    later, minus one day. The lead's members are told; returns how many."""
    _require(
        grant, GrantStatus.signed, N_("Only a contract signed by the lead can be countersigned.")
    )
    claim(grant, loaded_version)
    start, end = in_force_dates(
        [grant.signed_at, now], grant.call.timezone, grant.set_start, grant.months
    )
    grant.countersigned_by_id, grant.countersigned_at = user_id, now
    grant.start_date, grant.end_date = start, end
    if grant.current is not None:
        grant.current.end_date = end
    move_grant_object(
        grant,
        GrantStatus.in_force,
        action="grant.countersigned",
        user_id=user_id,
        after={"countersigned_at": now, "start_date": start, "end_date": end},
    )
    db.session.flush()
    subject = _l("Contract %(number)s is in force", number=grant.number)
    return _tell_lead(grant, subject, "contract_in_force")


def _tell_lead(grant: Grant, subject: LazyText, template: str) -> int:
    """E-mail the members acting for the lead, each in their language; the message is logged
    on the application."""
    application = grant.application
    link = url_for("contracts.show", grant_id=grant.id, _external=True)
    members = acting_members([application.lead_id])
    for member in members:
        mail.send(
            member.email,
            subject,
            f"email/{template}.txt",
            locale=member.locale,
            about=application.id,
            member=member,
            grant=grant,
            application=application,
            link=link,
        )
    return len(members)
