"""Text users typed comes out inert everywhere (issue 7, security suite; docs/domain.md 6).

Every free-text field of the shared world holds a payload naming its field: an HTML tag that would
run, an attribute break-out, and a spreadsheet formula. Every page each role may open must show the
payloads escaped, and each field must be shown somewhere; the PDFs (receipt, decision letter,
evaluation report) must print the payload as text; the workbook must hold it as a string, never a
formula. tests/integration/test_escaping.py covers translated messages carrying user text.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from grants.exports import evaluation_report, giving360, workbook
from grants.models import User
from grants.models.base import now_utc
from reports.charts import Tally, bar_chart
from tests.factories.auth import ACCOUNT, ORG
from tests.security.access_table import ROUTES
from tests.security.support import client_for, csrf_token, expected, make_world, rules, url
from tests.security.world import ROLES

RAW = ("<script>alert(", "<img src=x onerror")  # a payload that reached a page unescaped


class Payloads:
    """The text function of the world: a payload per field, numbered so that each can be found."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def __call__(self, key: str, _default: str) -> str:
        return self.text(key)

    def text(self, key: str) -> str:
        n = self.numbers.setdefault(key, 101 + len(self.numbers))
        # a formula start, an attribute break-out and a script: 61 characters, within the text
        # columns;
        # the 40-character ones (acronym, budget unit) get the first two only
        if key.rsplit(".", 1)[-1] in ("acronym", "line_unit"):
            return f'=1"><img src=x onerror=alert({n})>'
        return f'=1"><img src=x onerror=alert({n})><script>alert({n})</script>'

    def shown(self, text: str) -> set[str]:
        return {key for key, n in self.numbers.items() if f"alert({n})" in text}

    def printed(self, text: str) -> set[str]:
        """The fields whose whole payload is in the text, white space aside (a PDF wraps long
        lines)."""
        flat = re.sub(r"\s+", "", text)
        return {key for key in self.numbers if re.sub(r"\s+", "", self.text(key)) in flat}


@pytest.fixture
def payloads(app, db, tmp_path, monkeypatch):
    typed = Payloads()
    world = make_world(app, tmp_path, monkeypatch, typed)
    return typed, world


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# pages that show one table at a time (a tab each): the query strings that show their other tables
TABS = {"awards.ranking": ("?table=inadmissible", "?table=withdrawn", "?table=changes")}


def crawl(
    app, world, typed: Payloads, roles=ROLES, published: dict[str, set[str]] | None = None
) -> tuple[list[str], dict[str, set[str]]]:
    """Open every HTML page each role may open: the payloads found unescaped, and which role saw
    which field (a field not counted on the pages `published` names for it)."""
    published = published or {}
    unescaped, seen_by = [], {}
    for role in roles:
        client = client_for(app, world.users[role])
        for rule in rules(app, "GET"):
            if expected(ROUTES[rule.endpoint], role) != 200:
                continue
            for query in ("", *TABS.get(rule.endpoint, ())):
                response = client.get(url(app, rule, world) + query)
                if response.mimetype != "text/html":
                    continue
                body = response.get_data(as_text=True)
                unescaped += [f"{rule.endpoint} as {role}: {raw}" for raw in RAW if raw in body]
                for key in typed.shown(body):
                    if rule.endpoint not in published.get(key, ()):
                        seen_by.setdefault(key, set()).add(role)
    return unescaped, seen_by


def test_every_field_is_escaped_on_every_page_each_role_may_open(app, payloads):
    typed, world = payloads
    unescaped, seen_by = crawl(app, world, typed)
    assert not unescaped, "\n".join(unescaped)
    assert not set(typed.numbers) - seen_by.keys(), (
        f"never shown: {sorted(set(typed.numbers) - seen_by.keys())}"
    )


def test_the_live_budget_figures_escape_the_partnerships_names(app, payloads):
    typed, world = payloads
    client = client_for(app, world.users["applicant"])
    line = {
        "heading": "2",
        # no line_id, as a hand-made request may send it "unit": "trip", "quantity": "2",
        # "unit_cost": "1000.00",
        "description": "Visits",
        "organisation": str(world.ids["partner_org"]),
    }
    response = client.post(
        f"/applications/{world.ids['draft']}/budget/preview",
        data={"csrf_token": csrf_token(client), **{f"lines-0-{k}": v for k, v in line.items()}},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "partner.name" in typed.shown(body)
    assert not [raw for raw in RAW if raw in body]


APPLICANT_SIDE = ("anonymous", "outsider", "pending_member", "applicant", "partner")
EVALUATORS = ("assigned_evaluator", "other_evaluator")
CONFIDENTIAL = {  # field -> roles that must never read it on a page
    "evaluator.name": APPLICANT_SIDE,  # applicants never see evaluator identities
    "score.comment": (*APPLICANT_SIDE, "other_evaluator"),  # nor another evaluator's scoring
    "section.strengths": (*APPLICANT_SIDE, "other_evaluator"),
    "section.weaknesses": (*APPLICANT_SIDE, "other_evaluator"),
    "sub.summary": ("anonymous", "outsider", "pending_member", "other_evaluator"),
    "draft.summary": (
        "anonymous",
        "outsider",
        "pending_member",
        *EVALUATORS,
        "staff",
        "admin",
    ),  # not submitted
    "lead.address": (
        "anonymous",
        "outsider",
        "pending_member",
        "partner",
        *EVALUATORS,
    ),  # never to strangers
    "lead.legal_id": ("anonymous", "outsider", "pending_member", "partner", *EVALUATORS),
    "partner.address": ("anonymous", "outsider", "pending_member", "applicant", *EVALUATORS),
    "inadmissible.reason": (*APPLICANT_SIDE, *EVALUATORS),  # another lead's application
    "withdrawn.reason": (*APPLICANT_SIDE, *EVALUATORS),
    "mail.body": ("staff",),  # the outbox is the admin's
}
# what a call's results publish once its decisions are final (PRAG's publication of awards, the
# Financial Regulation's art. 38: the beneficiary's name and address, the purpose of the grant): the
# awarded lead's address and its project's summary, on the public call and results pages only (the
# world's main call is final and "sub" awarded; tests/integration/public/test_results.py checks
# that nothing is published before, nor any other application)
PUBLISHED = {
    "lead.address": {"public.call", "public.results"},
    "sub.summary": {"public.results"},
}


def test_pages_never_show_confidential_text_to_those_who_may_not_read_it(app, payloads):
    typed, world = payloads
    readers = {role for roles in CONFIDENTIAL.values() for role in roles}
    _unescaped, seen_by = crawl(
        app, world, typed, [r for r in ROLES if r in readers], published=PUBLISHED
    )
    leaks = {
        key: sorted(seen_by.get(key, set()) & set(roles)) for key, roles in CONFIDENTIAL.items()
    }
    assert not {key: roles for key, roles in leaks.items() if roles}


def test_pdfs_print_typed_text_as_text(app, payloads, tmp_path):
    typed, world = payloads
    applicant, staff = (
        client_for(app, world.users["applicant"]),
        client_for(app, world.users["staff"]),
    )
    sub, call = world.ids["application"], world.ids["call"]
    receipt = pdf_text(applicant.get(f"/applications/{sub}/receipt.pdf").data)
    assert typed.printed(receipt) >= {
        "call.title",
        "lot.name",
        "lead.name",
        "partner.name",
        "sub.partner_role",
        "sub.title",
        "sub.acronym",
        "sub.theme",
        "sub.summary",
        "sub.line_description",
        "sub.line_unit",
        "sub.attachment_name",
    }
    letter = pdf_text(applicant.get(f"/decisions/{sub}/letter.pdf").data)
    assert typed.printed(letter) >= {"call.title", "lead.name", "sub.title", "grid.section_title"}
    assert not typed.shown(receipt + letter) & {
        "evaluator.name",
        "score.comment",
    }  # applicants never see who scored
    refusal = pdf_text(
        staff.get(f"/staff/calls/{call}/letters/{world.ids['inadmissible']}.pdf").data
    )
    assert "inadmissible.reason" in typed.printed(refusal)
    with force_locale("en"):
        evaluation_report.build(call, "en", lambda _percent: None, tmp_path / "report.pdf")
    report = pdf_text((tmp_path / "report.pdf").read_bytes())
    assert typed.printed(report) >= {
        "call.title",
        "lot.name",
        "lead.name",
        "evaluator.name",
        "grid.section_title",
        "inadmissible.reason",
        "withdrawn.reason",
    }


def test_chart_labels_are_escaped():
    label = '"><img src=x onerror=alert(1)>'
    svg = str(
        bar_chart([Tally(label, 2, 1)], "<script>alert(2)</script>", ("<b>applied</b>", "awarded"))
    )
    assert "<img" not in svg and "<script>" not in svg and "<b>" not in svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg and "&lt;script&gt;alert(2)" in svg


def test_workbook_and_csv_cells_hold_typed_text_never_a_formula(app, payloads, tmp_path):
    typed, world = payloads
    with force_locale("en"):  # as the export job runs it
        workbook.build(world.ids["call"], "en", lambda _percent: None, tmp_path / "book.xlsx")
        giving360.build_csv(world.ids["call"], "en", lambda _percent: None, tmp_path / "grants.csv")
    cells = [
        cell
        for sheet in load_workbook(tmp_path / "book.xlsx").worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "alert(" in cell.value
    ]
    assert [c.coordinate for c in cells if c.data_type != "s"] == []
    assert [c.coordinate for c in cells if c.value.startswith("=") and not c.quotePrefix] == []
    assert set().union(*(typed.printed(c.value) for c in cells)) >= {
        "sub.title",
        "sub.acronym",
        "sub.theme",
        "lot.name",
        "lead.name",
        "lead.region",
        "partner.name",
        "sub.partner_role",
        "sub.line_description",
        "sub.line_unit",
        "evaluator.name",
        "grid.criterion_title",
        "score.comment",
    }
    rows = list(csv.reader(io.StringIO((tmp_path / "grants.csv").read_text(encoding="utf-8-sig"))))
    typed_cells = [value for row in rows for value in row if "alert(" in value]
    assert typed_cells and all(value.startswith("'=") for value in typed_cells)


def test_what_a_visitor_types_at_registration_comes_back_escaped(client, db, post):
    typed = Payloads()
    org = {
        **ORG,
        "name": typed.text("name"),
        "region": typed.text("region"),
        "address": typed.text("address"),
    }
    account = {**ACCOUNT, "full_name": typed.text("full_name")}
    refused = post("/auth/register", {**org, **account, "email": "not an address"})
    kept = refused.get_data(as_text=True)
    assert "Enter an email address like name@example.org" in kept and not [
        raw for raw in RAW if raw in kept
    ]
    assert typed.shown(kept) == set(typed.numbers)  # everything typed is kept, escaped
    assert post("/auth/register", {**org, **account}, page="/auth/register").status_code == 302
    confirmed = db.session.scalar(select(User).where(User.email == account["email"].lower()))
    confirmed.email_confirmed_at = (
        now_utc()
    )  # as the link e-mailed to the address does (auth/test_confirm)
    db.session.commit()
    post("/auth/login", {"email": confirmed.email, "password": account["password"]})
    page = client.get("/auth/organisation").get_data(as_text=True)
    assert not [raw for raw in RAW if raw in page] and typed.shown(page) == set(typed.numbers)
