"""Loading a bundle (version 1 or 2) into the database as one unit of work: the caller commits, or
rolls back on any error (BundleError or other), so that nothing is ever half-imported. Version 2's
record of the selection (overrides, signatures, declarations) is read with records.py, its grants
with grant_import.py (after the applications: a grant names its application). The final
scores of the imported evaluations are stored as evaluation stores them
(grants.evaluation.services.settle.settle_scores)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.exc import DataError, IntegrityError

from grants.audit import record
from grants.bundle import grant_import, logframe, selection
from grants.bundle.formats import parse_decimal, parse_time
from grants.bundle.import_applications import add_applications, recorded_finals
from grants.bundle.records import Records, add_overrides, staff_users
from grants.bundle.validate import BundleError, problems
from grants.calls.defaults import CALL_DEFAULTS
from grants.evaluation.services.settle import settle_scores
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Attachment,
    AwardRule,
    BudgetLine,
    Call,
    CallEvaluator,
    CallStatus,
    Criterion,
    DecisionOverride,
    Evaluation,
    ExportPart,
    Grid,
    GridSection,
    IssuedLetter,
    Lot,
    Organisation,
    OrganisationType,
    Partner,
    Procedure,
    ReportJob,
    Role,
    Score,
    SectionComment,
    SectionFinal,
    Stage,
    StageFinal,
    User,
)
from grants.models.base import now_utc
from grants.models.calls import GRANT_SETTINGS


def import_bundle(data: dict, replace: bool = False) -> Call:
    """Load a bundle (parsed JSON); with `replace`, an existing call of that reference is deleted
    first."""
    found = problems(data)
    if found:
        raise BundleError(found)
    reference = data["call"]["reference"]
    existing = db.session.scalar(select(Call).where(Call.reference == reference))
    if existing is not None and not replace:
        raise BundleError(
            [f"$.call.reference: a call '{reference}' already exists (use --replace to replace it)"]
        )
    kept = Records(data)
    try:
        orgs = _organisations(data["organisations"])
        users = _evaluators(data["evaluators"], orgs)
        staff = staff_users(kept.staff_items)
        people = grant_import.people(data, [*users.values(), *staff.values()], orgs)
        if existing is not None:
            delete_call(existing)
        call = _call(data["call"])
        db.session.add(call)
        db.session.flush()
        db.session.add_all(
            CallEvaluator(
                call_id=call.id, user_id=user.id, impartiality_signed_at=kept.signed.get(key)
            )
            for key, user in users.items()
        )
        stages = add_applications(data["applications"], call, orgs, users, kept)
        db.session.flush()
        add_overrides(kept, stages, staff)
        selection.add_selection(data, call, stages, {**users, **staff}, orgs)
        db.session.flush()
        grant_import.add_grants(data, call, stages, people, orgs)
        settle_scores(call, recorded=recorded_finals(data["applications"], stages))
    except (IntegrityError, DataError) as error:
        raise BundleError([f"$: the database refused the bundle: {error.orig}"]) from error
    record(
        "call.imported",
        call,
        after={
            "reference": reference,
            "applications": len(data["applications"]),
            "replaced": existing is not None,
        },
    )
    return call


def delete_call(call: Call) -> None:
    """Delete a call and everything of it with set-based DELETEs, children first."""
    apps = select(Application.id).where(Application.call_id == call.id)
    stages = select(ApplicationStage.id).where(ApplicationStage.application_id.in_(apps))
    assignments = select(Assignment.id).where(Assignment.stage_id.in_(stages))
    evaluations = select(Evaluation.id).where(Evaluation.assignment_id.in_(assignments))
    sections = select(GridSection.id).join(Grid).where(Grid.call_id == call.id)
    for statement in (
        *grant_import.deletes(call.id),
        delete(IssuedLetter).where(IssuedLetter.call_id == call.id),
        delete(SectionFinal).where(SectionFinal.stage_id.in_(stages)),
        delete(StageFinal).where(StageFinal.stage_id.in_(stages)),
        delete(Score).where(Score.evaluation_id.in_(evaluations)),
        delete(SectionComment).where(SectionComment.evaluation_id.in_(evaluations)),
        delete(Evaluation).where(Evaluation.assignment_id.in_(assignments)),
        delete(Assignment).where(Assignment.stage_id.in_(stages)),
        delete(DecisionOverride).where(DecisionOverride.stage_id.in_(stages)),
        *selection.deletes(call.id, stages),
        delete(ApplicationStage).where(ApplicationStage.application_id.in_(apps)),
        delete(Partner).where(Partner.application_id.in_(apps)),
        delete(BudgetLine).where(BudgetLine.application_id.in_(apps)),
        *logframe.deletes(apps),
        delete(Attachment).where(Attachment.application_id.in_(apps)),
        delete(Application).where(Application.call_id == call.id),
        delete(CallEvaluator).where(CallEvaluator.call_id == call.id),
        delete(ExportPart).where(  # no cascade on SQLite: a reused job id would find them
            ExportPart.job_id.in_(select(ReportJob.id).where(ReportJob.call_id == call.id))
        ),
        delete(ReportJob).where(ReportJob.call_id == call.id),
        delete(Criterion).where(Criterion.section_id.in_(sections)),
        delete(GridSection).where(GridSection.id.in_(sections)),
        delete(Grid).where(Grid.call_id == call.id),
        delete(Lot).where(Lot.call_id == call.id),
        delete(Call).where(Call.id == call.id),
    ):
        # "fetch" takes the deleted rows out of the session too, so that a reused id never clashes
        db.session.execute(statement, execution_options={"synchronize_session": "fetch"})


def _organisations(items: list[dict]) -> dict[str, Organisation]:
    """Key -> organisation: the existing one of that key, updated, or a new one; all verified."""
    keys = [item["key"] for item in items]
    existing = {
        o.key: o for o in db.session.scalars(select(Organisation).where(Organisation.key.in_(keys)))
    }
    now = now_utc()
    orgs = {}
    for item in items:
        org = existing.get(item["key"]) or Organisation(key=item["key"])
        org.name, org.type, org.country = (
            item["name"],
            OrganisationType(item["type"]),
            item["country"],
        )
        for field in ("region", "population", "legal_id"):
            if field in item:
                setattr(org, field, item[field])
        org.verified_at = org.verified_at or now
        orgs[item["key"]] = org
    db.session.add_all(orgs.values())
    return orgs


def _evaluators(items: list[dict], orgs: dict[str, Organisation]) -> dict[str, User]:
    """Key -> evaluator, matched by key then by e-mail, or created (active, without a password)."""
    by_key = {
        u.key: u
        for u in db.session.scalars(select(User).where(User.key.in_([i["key"] for i in items])))
    }
    emails = [i["email"].lower() for i in items]
    by_email = {
        u.email.lower(): u
        for u in db.session.scalars(select(User).where(func.lower(User.email).in_(emails)))
    }
    found, users = [], {}
    for i, item in enumerate(items):
        user, same_email = by_key.get(item["key"]), by_email.get(item["email"].lower())
        if user is None:
            user = same_email
        elif same_email is not None and same_email is not user:
            found.append(
                f"$.evaluators[{i}].email: '{item['email']}' belongs to another user than "
                f"'{item['key']}'"
            )
        if user is not None and user.role is not Role.evaluator:
            found.append(
                f"$.evaluators[{i}].email: '{item['email']}' is a {user.role.value} user, not an "
                f"evaluator"
            )
        if user is not None and user.key not in (None, item["key"]):
            found.append(
                f"$.evaluators[{i}].email: '{item['email']}' is the evaluator with key '{user.key}'"
            )
        user = user or User(
            email=item["email"].lower(), role=Role.evaluator, active=True
        )  # as auth stores it
        user.key, user.name = item["key"], item["name"]
        user.organisation = orgs[item["organisation"]] if item.get("organisation") else None
        users[item["key"]] = user
    if found:
        raise BundleError(found)
    db.session.add_all(users.values())
    return users


def _call(item: dict) -> Call:
    grant, caps, rules, ev = (
        item["grant"],
        item["cost_caps"],
        item["eligibility"],
        item["evaluation"],
    )
    ratio = ev.get("shortlist_ratio")
    return Call(
        **_grant_settings(item.get("grants")),
        reference=item["reference"],
        title=item["title"],
        description=item.get("description", ""),
        currency=item["currency"],
        timezone=item["timezone"],
        procedure=Procedure(item["procedure"]),
        status=CallStatus(item["status"]),
        themes=item.get("themes", []),
        opens_at=parse_time(item["opens_at"]),
        deadline=parse_time(item["deadline"]),
        concept_note_deadline=parse_time(item.get("concept_note_deadline")),
        total_budget=Decimal(item["total_budget"]),
        grant_min=Decimal(grant["min"]),
        grant_max=Decimal(grant["max"]),
        min_rate=Decimal(grant["min_rate"]),
        max_rate=Decimal(grant["max_rate"]),
        duration_min=item["duration_months"]["min"],
        duration_max=item["duration_months"]["max"],
        indirect_rate=Decimal(caps["indirect_rate"]),
        contingency_rate=Decimal(caps["contingency_rate"]),
        lead_countries=rules["lead"]["countries"],
        lead_types=rules["lead"]["organisation_types"],
        partner_countries=rules["partner"]["countries"],
        partner_types=rules["partner"]["organisation_types"],
        partners_min=rules["partners"]["min"],
        partners_max=rules["partners"]["max"],
        country_groups=rules["country_groups"],
        max_applications_per_lead=rules["max_applications_per_lead"],
        evaluators_per_application=ev["evaluators_per_application"],
        discrepancy_threshold=Decimal(ev["discrepancy_threshold"]),
        reserve_list_length=ev.get("reserve_list_length"),
        award_rule=AwardRule(ev["award_rule"]),
        shortlist_ratio=CALL_DEFAULTS["shortlist_ratio"] if ratio is None else Decimal(ratio),
        logframe_required=item.get("logframe_required", False),
        **selection.call_days(item),
        lots=[
            Lot(
                position=i,
                code=lot["code"],
                name=lot["name"],
                themes=lot.get("themes", []),
                budget=Decimal(lot["budget"]),
            )
            for i, lot in enumerate(item["lots"])
        ],
        grids=[_grid(Stage(stage), grid) for stage, grid in ev["grids"].items()],
    )


def _grant_settings(item: dict | None) -> dict:
    """The settings of the call's grants (docs/domain.md 7): a version-1 bundle, or one written
    before version 2 had them (all, or the reminder days), gets the defaults."""
    if item is None:
        return {name: CALL_DEFAULTS[name] for name in GRANT_SETTINGS}
    values = {name: item.get(name, CALL_DEFAULTS[name]) for name in GRANT_SETTINGS}
    return {
        name: Decimal(value) if isinstance(value, str) else value for name, value in values.items()
    }


def _grid(stage: Stage, item: dict) -> Grid:
    sections = [
        GridSection(
            position=i,
            code=s["code"],
            title=s["title"],
            threshold=parse_decimal(s.get("threshold")),
            criteria=[
                Criterion(position=j, code=c["code"], title=c["title"], weight=c["weight"])
                for j, c in enumerate(s["criteria"])
            ],
        )
        for i, s in enumerate(item["sections"])
    ]
    return Grid(
        stage=stage,
        max_total=item["max_total"],
        pass_threshold=Decimal(item["pass_threshold"]),
        tie_break_section=item["tie_break_section"],
        sections=sections,
    )
