"""Test data builders: real rows through the real models, with sensible TTGS defaults."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from grants.calls.default_grids import CONCEPT_NOTE_GRID, FULL_APPLICATION_GRID, default_discrepancy
from grants.calls.defaults import CALL_DEFAULTS
from grants.calls.grids import build_grid
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    AwardRule,
    BudgetLine,
    Call,
    CallStatus,
    Lot,
    Organisation,
    OrganisationType,
    Partner,
    PartnerStatus,
    Procedure,
    Role,
    Stage,
    StageStatus,
    User,
)
from grants.models.base import now_utc

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def make_org(
    country: str = "TR", type: str = "municipality", verified: bool = True, **kw
) -> Organisation:
    n = next(_seq)
    org = Organisation(
        name=kw.pop("name", f"Municipality {n}"),
        type=OrganisationType(type),
        country=country,
        region=kw.pop("region", "Ankara" if country == "TR" else ""),
        population=kw.pop("population", 50000),
        legal_id=kw.pop("legal_id", f"LID-{n}"),
        verified_at=now_utc() if verified else None,
        **kw,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(
    role: str = "applicant",
    organisation: Organisation | None = None,
    verified_member: bool = True,
    password: str = PASSWORD,
    **kw,
) -> User:
    n = next(_seq)
    user = User(
        email=kw.pop("email", f"user{n}@example.org"),
        name=kw.pop("name", f"User {n}"),
        role=Role(role),
        organisation=organisation,
        member_verified_at=now_utc() if organisation is not None and verified_member else None,
        email_confirmed_at=kw.pop("email_confirmed_at", now_utc()),
        **kw,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_call(
    reference: str | None = None,
    status: str = "published",
    lots: list[tuple[str, Decimal]] | None = None,
    procedure: str = "open",
    opens_in: timedelta = timedelta(days=-1),
    deadline_in: timedelta = timedelta(days=30),
    **kw,
) -> Call:
    settings = dict(CALL_DEFAULTS)
    settings.update(kw)
    now = now_utc()
    call = Call(
        reference=reference or f"CALL-{next(_seq)}",
        title=settings.pop("title", "Town twinning call"),
        status=CallStatus(status),
        procedure=Procedure(procedure),
        award_rule=AwardRule(settings.pop("award_rule")),
        opens_at=now + opens_in,
        deadline=now + deadline_in,
        concept_note_deadline=(now + deadline_in / 2) if procedure == "restricted" else None,
        discrepancy_threshold=default_discrepancy(100),
        **{k: v for k, v in settings.items() if k != "procedure"},
    )
    call.grids.append(build_grid(Stage.full_application, FULL_APPLICATION_GRID))
    if procedure == "restricted":
        call.grids.append(build_grid(Stage.concept_note, CONCEPT_NOTE_GRID))
    for pos, (name, budget) in enumerate(lots or []):
        call.lots.append(Lot(position=pos, code=f"LOT{pos + 1}", name=name, budget=budget))
    db.session.add(call)
    db.session.flush()
    return call


def make_application(
    call: Call,
    lead: Organisation | None = None,
    partners: list[Organisation] | None = None,
    confirmed: bool = True,
    status: str = "draft",
    submitted: bool = False,
    **kw,
) -> Application:
    """A complete TTGS-valid joint application: a Turkish lead, one EU partner, a budget within
    every cap.

    Direct costs 100,000.00 (60,000 lead, 40,000 partner), indirect 7,000.00, total 107,000.00,
    requested grant 90,000.00 (84.11 %), 24 months.
    """
    lead = lead or make_org("TR")
    partners = partners if partners is not None else [make_org("DE", "local_authority")]
    now = now_utc()
    application = Application(
        call=call,
        lead=lead,
        lot=call.lots[0] if call.lots else None,
        title=kw.pop("title", "Green twin towns"),
        acronym=kw.pop("acronym", "GTT"),
        theme=kw.pop("theme", "environment"),
        summary=kw.pop("summary", "Two towns share climate plans."),
        objectives="Shared climate action plans.",
        activities="Study visits, joint workshops.",
        expected_results="Two adopted plans.",
        start_month=1,
        duration_months=kw.pop("duration_months", 24),
        indirect=kw.pop("indirect", Decimal("7000.00")),
        contingency=kw.pop("contingency", Decimal("0.00")),
        requested_grant=kw.pop("requested_grant", Decimal("90000.00")),
        **kw,
    )
    for pos, org in enumerate(partners):
        application.partners.append(
            Partner(
                organisation=org,
                position=pos,
                role="Hosts the study visits",
                status=PartnerStatus.confirmed if confirmed else PartnerStatus.proposed,
                confirmed_at=now if confirmed else None,
            )
        )
    application.budget_lines.append(
        BudgetLine(
            position=0,
            heading=1,
            description="Project staff",
            unit="month",
            quantity=Decimal("12"),
            unit_cost=Decimal("5000.00"),
            organisation=lead,
        )
    )
    if partners:
        application.budget_lines.append(
            BudgetLine(
                position=1,
                heading=2,
                description="Study visits",
                unit="trip",
                quantity=Decimal("4"),
                unit_cost=Decimal("10000.00"),
                organisation=partners[0],
            )
        )
    stage = ApplicationStage(
        stage=Stage.full_application,
        status=StageStatus(status),
        requested_grant=application.requested_grant,
    )
    if submitted or status != "draft":
        call.next_number, number = call.next_number + 1, call.next_number
        application.number = number
        application.reference = f"{call.reference}-{number:04d}"
        stage.submitted_at = now
    application.stages.append(stage)
    db.session.add(application)
    db.session.flush()
    return application


def make_authority(**kw):
    """The contracting authority's letter settings, complete (letters can be issued)."""
    from grants.models import Authority

    values = {
        "name_en": "Directorate for EU Affairs",
        "name_tr": "Avrupa Birliği Başkanlığı",
        "address": "Mustafa Kemal Mahallesi 2082. Cadde No: 4\n06510 Çankaya / Ankara\nTürkiye",
        "signatory_name": "Deniz Yılmaz",
        "signatory_title_en": "Head of the Department for Financial Cooperation",
        "signatory_title_tr": "Mali İşbirliği Dairesi Başkanı",
        **kw,
    }
    authority = db.session.get(Authority, 1)
    if authority is None:
        authority = Authority(id=1)
        db.session.add(authority)
    for name, value in values.items():
        setattr(authority, name, value)
    db.session.flush()
    return authority


def png_bytes(width: int = 4, height: int = 2, rgb: tuple[int, int, int] = (13, 71, 161)) -> bytes:
    """A small, valid PNG image of one colour (a logo to upload)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
