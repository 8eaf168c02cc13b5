"""Demo data: an account per role, an open call taking submissions, and the example call of 48
applications from grants/data/ttgs-demo.bundle.json, told as real municipalities' twinning projects
(grants.demo_data), each lead municipality with a verified user who receives its decision letter.
The decided call TTGS-2025 has grants at every stage (grants.demo_grants). Safe to load again:
accounts and organisations are found by e-mail and key, the open call is kept, the example calls
replaced."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from grants import demo_grants, demo_records
from grants.bundle import import_bundle, load
from grants.calls.default_grids import FULL_APPLICATION_GRID, default_discrepancy
from grants.calls.defaults import CALL_DEFAULTS
from grants.calls.grids import add_missing_text, build_grid
from grants.demo_data import (
    ACTIVITIES,
    EUROPEAN,
    OBJECTIVES,
    PROJECTS,
    RESULTS,
    TURKISH,
    officer_name,
)
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Authority,
    AwardRule,
    Call,
    CallEvaluator,
    CallStatus,
    Lot,
    Organisation,
    OrganisationType,
    Procedure,
    Role,
    Stage,
    StageStatus,
    User,
)
from grants.models.base import now_utc
from grants.rules.text import fold

PASSWORD = "demo-password-2026"
BUNDLE = Path(__file__).resolve().parent / "data" / "ttgs-demo.bundle.json"
OPEN_CALL = "TTGS-2026"
EXAMPLE_CALL = "TTGS-DEMO"  # the reference in the bundle
EVALUATION_CALL = (
    "TTGS-EVAL"  # ten of the example's applications, submitted and admissible, not yet scored
)

_ORGANISATIONS = {
    "demo-tr-cankaya": {
        "name": "Çankaya Belediyesi",
        "type": "municipality",
        "country": "TR",
        "region": "Ankara",
        "population": 925828,
        "legal_id": "TR-DEMO-0001",
    },
    "demo-de-esslingen": {
        "name": "Stadt Esslingen am Neckar",
        "type": "municipality",
        "country": "DE",
        "region": "Stuttgart",
        "population": 94000,
        "legal_id": "DE-DEMO-0001",
        "seeking_partner": True,
        "partner_themes": ["culture", "youth"],
        "partner_description": "A twin town in Türkiye for youth exchanges and a joint "
        "culture festival.",
        "partner_languages": ["de", "en"],
    },
}
# e-mail, name, role, organisation key, what the account shows
_USERS = [
    (
        "admin@example.org",
        "Ada Admin",
        Role.admin,
        None,
        "administrator: users, roles, outbox; committee secretary",
    ),
    (
        "staff@example.org",
        "Selin Staff",
        Role.staff,
        None,
        "programme staff: calls, checks, awards; chairs the TTGS-DEMO committee; the grants "
        f"of {demo_grants.DECIDED_CALL}: a payment to authorise, an amendment, reports",
    ),
    (
        "finance@example.org",
        "Fatma Finance",
        Role.staff,
        None,
        f"programme staff (finance): recorded the payments of {demo_grants.DECIDED_CALL} that "
        "staff@example.org authorises (four eyes)",
    ),
    (
        "evaluator@example.org",
        "Emre Evaluator",
        Role.evaluator,
        None,
        f"evaluator: ten applications of {EVALUATION_CALL} to score (sign the declaration first); "
        "votes on the TTGS-DEMO committee",
    ),
    (
        "applicant@example.org",
        "Ayşe Applicant",
        Role.applicant,
        "demo-tr-cankaya",
        f"applicant, Çankaya Belediyesi (TR); a {demo_grants.DECIDED_CALL} contract to sign",
    ),
    (
        "partner@example.org",
        "Paul Partner",
        Role.applicant,
        "demo-de-esslingen",
        "applicant, Stadt Esslingen (DE), seeking a partner",
    ),
]
ACCOUNTS = [(email, what) for email, _, _, _, what in _USERS]
LEAD_DOMAIN = "belediye.example"  # reserved for examples: no message reaches a real municipality


def load_demo() -> None:
    """Create or refresh the demo data in the session; the caller commits."""
    orgs = {key: _organisation(key, fields) for key, fields in _ORGANISATIONS.items()}
    users = {email: _user(email, name, role, orgs.get(org)) for email, name, role, org, _ in _USERS}
    call = _open_call()
    db.session.flush()
    evaluator = users["evaluator@example.org"]
    in_pool = db.session.scalar(
        select(CallEvaluator).where(
            CallEvaluator.call_id == call.id, CallEvaluator.user_id == evaluator.id
        )
    )
    if in_pool is None:
        db.session.add(CallEvaluator(call_id=call.id, user_id=evaluator.id))
    bundle = recognisable(load(BUNDLE))
    calls = [import_bundle(bundle, replace=True), _evaluation_call(bundle, evaluator)]
    db.session.flush()
    demo_records.committee(calls[0])
    demo_records.clarifications(calls[1])
    demo_records.call_documents(call)
    password_hash = users[
        "applicant@example.org"
    ].password_hash  # one hash of the demo password for everyone
    _lead_users(bundle, password_hash)
    _assessors_log_in(bundle, password_hash)
    for call in calls:
        _narratives(call)
        demo_records.logframes(call)
        for grid in call.grids:
            add_missing_text(grid, FULL_APPLICATION_GRID)
    _authority()
    decided = demo_grants.decided_call(bundle)
    _narratives(decided)
    demo_records.logframes(decided)
    demo_grants.grants(
        decided,
        orgs["demo-tr-cankaya"],
        users["staff@example.org"],
        users["finance@example.org"],
    )


def _authority() -> None:
    """A letterhead and signatory for the demo's letters, unless staff have set their own."""
    if db.session.get(Authority, 1) is None:
        db.session.add(
            Authority(
                id=1,
                name_en="Directorate for EU Affairs (demo)",
                name_tr="Avrupa Birliği Başkanlığı (demo)",
                address="Örnek Mahallesi 2082. Cadde No: 4\n06510 Çankaya / Ankara\nTürkiye",
                signatory_name="Deniz Yılmaz",
                signatory_title_en="Head of the Department for Financial Cooperation",
                signatory_title_tr="Mali İşbirliği Dairesi Başkanı",
            )
        )


def lead_email(short_name: str) -> str:
    """The demo address of a lead municipality's project officer: kadikoy@belediye.example."""
    return f"{fold(short_name).replace(' ', '-')}@{LEAD_DOMAIN}"


def recognisable(bundle: dict) -> dict:
    """The example bundle with real authorities and projects in place of its placeholders ("Mersin
    Belediyesi 1", "Commune 1", "Twinning project 1"); amounts, scores, dates and references are
    left as they are."""
    data = copy.deepcopy(bundle)
    data["call"].update(
        title="Town Twinning between Türkiye and the EU 2018",
        description="Joint projects of a Turkish municipality and a local authority of an EU "
        "member "
        "state: grants of EUR 60,000 to 130,000 for 12 to 24 months.",
    )
    turkish, european = iter(TURKISH), {country: iter(rows) for country, rows in EUROPEAN.items()}
    short = {}
    for org in data["organisations"]:
        name, official, region, population = next(
            turkish if org["country"] == "TR" else european[org["country"]]
        )
        org.update(name=official, region=region, population=population)
        short[org["key"]] = name
    used: Counter[str] = Counter()
    for app in data["applications"]:
        names = {"tr": short[app["lead"]], "eu": short[app["partners"][0]["organisation"]]}
        projects = PROJECTS[app["theme"]]
        title, stem, summary = projects[used[app["theme"]] % len(projects)]
        used[app["theme"]] += 1
        app.update(
            title=title.format(**names),
            summary=summary.format(**names),
            acronym=f"{stem}-{fold(names['tr'])[:3].upper()}",
        )
    return data


def _lead_users(bundle: dict, password_hash: str) -> None:
    """A verified project officer (Turkish) for every lead municipality, so that finalising sends
    its letter."""
    leads = {app["lead"] for app in bundle["applications"]}
    orgs = {
        o.key: o
        for o in db.session.scalars(select(Organisation).where(Organisation.key.in_(leads)))
    }
    turkish = [org for org in bundle["organisations"] if org["country"] == "TR"]
    for index, item in enumerate(turkish):
        if item["key"] not in orgs:
            continue
        email = lead_email(TURKISH[index][0])
        user = db.session.scalar(select(User).where(User.email == email)) or User(email=email)
        user.name, user.role, user.active, user.locale = (
            officer_name(index),
            Role.applicant,
            True,
            "tr",
        )
        user.organisation = orgs[item["key"]]
        user.member_verified_at = user.member_verified_at or now_utc()
        user.email_confirmed_at = user.email_confirmed_at or now_utc()
        user.password_hash = password_hash
        db.session.add(user)


def _assessors_log_in(bundle: dict, password_hash: str) -> None:
    """The example's assessors log in with the demo password (the bundle brings them without
    one)."""
    emails = [item["email"].lower() for item in bundle["evaluators"]]
    for user in db.session.scalars(select(User).where(User.email.in_(emails))):
        user.password_hash = password_hash
        user.email_confirmed_at = user.email_confirmed_at or now_utc()


def _narratives(call: Call) -> None:
    """The narrative a full application has (the bundle carries the summary only) and its start
    month."""
    short = {
        official: name for rows in (TURKISH, *EUROPEAN.values()) for name, official, *_rest in rows
    }
    for app in db.session.scalars(select(Application).where(Application.call_id == call.id)):
        names = {
            "tr": short.get(app.lead.name, app.lead.name),
            "eu": short.get(app.partners[0].organisation.name, "") if app.partners else "",
        }
        app.objectives, app.activities = OBJECTIVES.format(**names), ACTIVITIES.format(**names)
        app.expected_results, app.start_month = RESULTS.format(**names), 1


def _evaluation_call(bundle: dict, evaluator: User) -> Call:
    """A call in evaluation: ten of the example's applications, admissible, each assigned to the
    demo evaluator and to one of the example's assessors, and an eleventh still at the
    administrative check; replaced on every load, so it starts unscored."""
    data = copy.deepcopy(bundle)
    data["call"].update(
        reference=EVALUATION_CALL,
        title="Town Twinning 2025: evaluation in progress",
        status="evaluation",
    )
    data["applications"] = data["applications"][:11]
    for i, application in enumerate(data["applications"]):
        application["reference"] = application["reference"].replace(EXAMPLE_CALL, EVALUATION_CALL)
        stage = application["full_application"]
        stage.update(
            status="admissible" if i < 10 else "submitted",
            evaluations=[],
            final_score=None,
            rank=None,
            awarded_amount=None,
        )
    call = import_bundle(data, replace=True)
    assessor = db.session.scalar(select(User).where(User.email == data["evaluators"][0]["email"]))
    db.session.add(
        CallEvaluator(call_id=call.id, user_id=evaluator.id)
    )  # the example's assessors are in already
    stages = db.session.scalars(
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .where(Application.call_id == call.id, ApplicationStage.status == StageStatus.admissible)
    )
    db.session.add_all(
        Assignment(stage_id=stage.id, evaluator_id=user.id)
        for stage in stages
        for user in (evaluator, assessor)
    )
    return call


def _organisation(key: str, fields: dict) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.key == key)) or Organisation(
        key=key
    )
    for name, value in fields.items():
        setattr(org, name, OrganisationType(value) if name == "type" else value)
    org.verified_at = org.verified_at or now_utc()
    db.session.add(org)
    return org


def _user(email: str, name: str, role: Role, org: Organisation | None) -> User:
    user = db.session.scalar(select(User).where(User.email == email)) or User(email=email)
    user.name, user.role, user.active, user.organisation = name, role, True, org
    user.member_verified_at = (user.member_verified_at or now_utc()) if org is not None else None
    user.email_confirmed_at = user.email_confirmed_at or now_utc()
    user.set_password(PASSWORD)
    db.session.add(user)
    return user


def _open_call() -> Call:
    """The open call, created once: opened yesterday, closing in about 60 days at 17:00 in its time
    zone."""
    call = db.session.scalar(select(Call).where(Call.reference == OPEN_CALL))
    if call is not None:
        return call
    settings = copy.deepcopy(CALL_DEFAULTS)
    zone = ZoneInfo(settings["timezone"])
    now = now_utc()
    closing_day = now.astimezone(zone).date() + timedelta(days=60)
    grid = build_grid(Stage.full_application, FULL_APPLICATION_GRID)
    total = settings.pop("total_budget")
    half = (total / 2).quantize(Decimal("0.01"))
    settings.pop("procedure")
    call = Call(
        reference=OPEN_CALL,
        title="Town Twinning between Türkiye and the EU 2026",
        description="Joint projects of a Turkish local authority and a local authority of an EU "
        "member state: "
        "grants of EUR 60,000 to 130,000 for 12 to 24 months.",
        status=CallStatus.published,
        procedure=Procedure.open,
        award_rule=AwardRule(settings.pop("award_rule")),
        themes=["environment", "culture", "youth", "tourism"],
        total_budget=total,
        opens_at=now - timedelta(days=1),
        deadline=datetime.combine(closing_day, time(17, 0), tzinfo=zone),
        published_at=now,
        discrepancy_threshold=default_discrepancy(grid.max_total),
        grids=[grid],
        lots=[
            Lot(
                position=0,
                code="LOT1",
                name="Environment and climate",
                themes=["environment"],
                budget=half,
            ),
            Lot(
                position=1,
                code="LOT2",
                name="Culture, youth and tourism",
                themes=["culture", "youth", "tourism"],
                budget=total - half,
            ),
        ],
        **settings,
    )
    db.session.add(call)
    return call
