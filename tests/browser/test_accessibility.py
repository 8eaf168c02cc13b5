"""Every page, as every role, in English and Turkish, meets WCAG 2.1 AA as far as axe-core can tell
(issue 13).

The walk opens each page of tests/security/pages.py in Chromium, one browser context per role
(logged in once, English first, then Türkçe through the header's button), and on each page:
- runs axe-core (npm package, injected before the page's own scripts) for the tags wcag2a, wcag2aa,
  wcag21a and wcag21aa: no violation may be left;
- keeps the server's HTML for html-validate (npm package, run once per role): no duplicate id, no
  duplicate form name, no password field without autocomplete... (the rules in HTML_VALIDATE_RULES);
- checks what neither tool does: a required select starts with an empty placeholder option, e-mail,
  password and telephone fields say what they hold (autocomplete), a page sent back with errors has
  focus on its error summary, and nothing scrolls sideways at 320 CSS pixels (English pages; the
  Turkish ones are the same markup).

The tools come from package.json, installed by `make test` (npm ci); without them the walk is
skipped (and fails under REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from flask import url_for
from playwright.sync_api import Page, expect

from grants.extensions import db
from grants.models import (
    Application,
    Assignment,
    Call,
    CallEvaluator,
    ConflictStatus,
    Evaluation,
    JobStatus,
    MailStatus,
    OutboxMessage,
    ReportJob,
    Score,
    Stage,
)
from grants.models.base import now_utc
from tests.browser.helpers import CONTRAST_JS
from tests.conftest import REQUIRE_SERVICES
from tests.factories import PASSWORD, make_application, make_call, make_org, make_user
from tests.security.access_table import ARGUMENTS, LITERALS, ROUTES
from tests.security.pages import ERROR_PAGES, PAGES, WALK_ROLES, Visit, roles_for
from tests.security.world import build_world

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HTML_VALIDATE = ROOT / "node_modules" / ".bin" / "html-validate"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
HTML_VALIDATE_CONFIG = {
    "extends": ["html-validate:standard", "html-validate:a11y"],
    "rules": {
        "form-dup-name": ["error", {"shared": ["radio", "checkbox", "button", "submit", "reset"]}],
        "autocomplete-password": "error",
        "input-missing-label": "error",
        "no-missing-references": "error",
    },
}
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 321)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > 321)).slice(0, 4)
  .map(e => e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 30))"""
PAGE_CHECKS = (
    """() => {"""
    + CONTRAST_JS
    + """
  const problems = [];
  for (const s of document.querySelectorAll('select[required]:not([multiple])')) {
    const first = s.options[0];
    if (!first || first.value !== '')
      problems.push(`required select #${s.id} has no empty first option`);
  }
  const typed = 'input[type=email], input[type=password], input[type=tel]';
  for (const i of document.querySelectorAll(typed)) {
    if (!i.getAttribute('autocomplete'))
      problems.push(`${i.type} field #${i.id} has no autocomplete`);
  }
  // a control's border against the background around it: 3:1 (WCAG 1.4.11), which axe does not
  // check
  for (const c of document.querySelectorAll('.form-control, .form-select, .form-check-input')) {
    if (c.disabled || !c.checkVisibility()) continue;
    const ratio = contrast(getComputedStyle(c).borderTopColor, behind(c));
    if (ratio < 3)
      problems.push(`the border of #${c.id} contrasts ${ratio.toFixed(2)}:1 with its background`);
  }
  return problems;
}"""
)
# every control focused in turn: its focus ring is there and contrasts 3:1 with what is around it
# (WCAG 2.4.7, 1.4.11)
FOCUS_CHECKS = (
    """() => {"""
    + CONTRAST_JS
    + """
  const problems = [];
  const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, '
    + '[tabindex]:not([tabindex="-1"])';
  for (const e of document.querySelectorAll(focusable)) {
    if (e.disabled) continue;
    e.focus({preventScroll: true});
    if (document.activeElement !== e || !e.checkVisibility()) continue;
    const problem = ringProblem(e);
    const text = e.textContent.trim().slice(0, 30);
    if (problem) problems.push(`${problem} on ${e.tagName} #${e.id} ${text}`);
  }
  document.activeElement.blur();
  return problems;
}"""
)


def _tools() -> None:
    missing = [str(p.relative_to(ROOT)) for p in (AXE, HTML_VALIDATE) if not p.exists()]
    if missing or not shutil.which("node"):
        message = (
            f"the walk needs node and `npm ci` (make test does it): missing {missing or 'node'}"
        )
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)


# -- the data: the security suite's world, and what the walk adds to it
# ------------------------------------------


def walk_world(live_app, upload_dir: Path, export_dir: Path) -> dict[str, object]:
    """The world of tests/security/world.py plus the states its pages would not show otherwise;
    world objects by name, the roles' users included."""
    world = build_world(upload_dir, export_dir)
    ids = dict(world.ids)
    users = world.users
    ids |= {role: user.id for role, user in users.items() if user is not None}
    # a call being evaluated: one assignment waiting for its declaration, one with a draft
    # evaluation
    call = make_call(
        status="evaluation", evaluators_per_application=1, title="Twinning schools 2026"
    )
    first = make_application(call, status="admissible", title="Twin schools")
    second = make_application(call, status="admissible", title="Shared harbours")
    evaluator = users["assigned_evaluator"]
    db.session.add(
        CallEvaluator(call_id=call.id, user_id=evaluator.id, impartiality_signed_at=now_utc())
    )
    undeclared = Assignment(stage=first.stages[0], evaluator=evaluator)
    criteria = [c for s in call.grid_for(Stage.full_application).sections for c in s.criteria]
    draft = Assignment(
        stage=second.stages[0],
        evaluator=evaluator,
        conflict=ConflictStatus.no_conflict,
        conflict_declared_at=now_utc(),
        evaluation=Evaluation(scores=[Score(criterion_id=c.id, score=3) for c in criteria[:2]]),
    )
    # the restricted call's declaration, not signed yet
    db.session.add(CallEvaluator(call_id=ids["restricted_call"], user_id=evaluator.id))
    # an e-mail with a link longer than its box is wide; an export under way
    link = "http://127.0.0.1/auth/password/" + "eyJpZCI6MjAsInB3IjoiZTNiMGM0ND" * 6
    long_message = OutboxMessage(
        to="eda@example.org",
        subject="Set your password",
        body=f"Hello,\n\nset your password here:\n{link}\n\nThe TWIN Grants team",
        status=MailStatus.logged,
    )
    running = ReportJob(
        kind="workbook",
        call_id=ids["call"],
        status=JobStatus.running,
        progress=40,
        requested_by_id=users["staff"].id,
        created_at=now_utc() - timedelta(minutes=1),
    )
    # a newcomer: registered an organisation, address not confirmed yet
    newcomer = make_user(
        organisation=make_org("TR", verified=False, name="Yeni Belediyesi"),
        name="Nur Newcomer",
        email_confirmed_at=None,
    )
    db.session.add_all([undeclared, draft, long_message, running])
    db.session.flush()
    sub = db.session.get(Application, ids["application"])
    ids |= {
        "undeclared_assignment": undeclared.id,
        "open_assignment": draft.id,
        "long_message": long_message.id,
        "open_reference": db.session.get(Call, ids["open_call"]).reference,
        "confirmed_partner": sub.partners[0].id,
        "newcomer": newcomer.id,
    }
    db.session.commit()
    ids["emails"] = {role: user.email for role, user in users.items() if user is not None} | {
        "newcomer": newcomer.email
    }
    return ids


# -- the plan: which URLs each role opens
# ----------------------------------------------------------------------


@dataclass
class Stop:
    label: str  # endpoint and visit, for the report
    url: str
    visit: Visit


def _url(live_app, endpoint: str, visit: Visit, ids: dict) -> str:
    rule = next(r for r in live_app.url_map.iter_rules() if r.endpoint == endpoint)
    chosen = {**ROUTES[endpoint].args, **visit.args}
    literals = {**LITERALS, **visit.literals}
    values = {
        arg: ids[chosen[arg]]
        if arg in chosen
        else literals[arg]
        if arg in literals
        else ids[ARGUMENTS[arg]]
        for arg in rule.arguments
    }
    query = {name: ids.get(value, value) for name, value in visit.query.items()}
    with live_app.test_request_context():
        return url_for(endpoint, **values, **query)


def plan(live_app, ids: dict, role: str) -> list[Stop]:
    stops = []
    for endpoint, visits in PAGES.items():
        for n, visit in enumerate(visits):
            if role in roles_for(endpoint, visit):
                target = "auth.register" if visit.via == "register" else endpoint
                stops.append(Stop(f"{endpoint}[{n}]", _url(live_app, target, visit, ids), visit))
    stops += [
        Stop(f"error {status}", path, Visit(status=status))
        for who, path, status in ERROR_PAGES
        if who == role
    ]
    return stops


# -- the walk --------------------------------------------------------------------------------------
# -------------


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    html: dict[str, str] = field(default_factory=dict)  # file name -> page label
    pages: int = 0


def _log_in(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def _register(page: Page, n: int) -> str:
    """Completes the registration form: the page after it."""
    page.locator("#name").fill(f"Walk Belediyesi {n}")
    page.locator("#type").select_option("municipality")
    page.locator("#country").select_option("TR")
    page.locator("#region").fill("Ankara")
    page.locator("#population").fill("50000")
    page.locator("#legal_id").fill(f"WALK-{n}")
    page.locator("#address").fill("1 Walk Street")
    page.locator("#full_name").fill("Walk Registrant")
    page.locator("#email").fill(f"walk{n}@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    with page.expect_navigation() as navigation:
        page.locator("main form [type=submit]").last.click()
    return navigation.value


def _send_empty(page: Page):
    """Sends the page's form as it is (no browser-side validation), as a person who pressed its
    button at once."""
    form = page.locator(
        "main form[method=post]:has(input:not([type=hidden]), select, textarea)"
    ).first
    button = form.locator("[type=submit]:visible").last  # its main button: the first may add a row
    button.evaluate("b => { b.form.noValidate = true; }")
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value


def _check(page: Page, stop: Stop, lang: str, findings: Findings, html_dir: Path, response) -> None:
    where = f"{lang} {stop.label} {page.url}"
    if response is None or response.status != stop.visit.status:
        findings.problems.append(
            f"{where}: answered {response and response.status}, expected {stop.visit.status}"
        )
        return
    findings.pages += 1
    name = f"{lang}-{len(findings.html):03d}.html"
    (html_dir / name).write_text(response.text(), encoding="utf-8")
    findings.html[name] = where
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        TAGS,
    )
    for v in result["violations"]:
        nodes = "; ".join(f"{n['target']} {n['failureSummary'][:200]!r}" for n in v["nodes"][:4])
        findings.problems.append(f"{where}: axe {v['id']} ({len(v['nodes'])}): {nodes}")
    findings.problems += [f"{where}: {p}" for p in page.evaluate(PAGE_CHECKS)]
    if stop.visit.via == "errors" and page.evaluate("document.activeElement.id") != "error-summary":
        findings.problems.append(
            f"{where}: focus is not on the error summary after a failed submit"
        )
    if lang == "en":  # the Turkish pages are the same markup
        findings.problems += [f"{where}: {p}" for p in page.evaluate(FOCUS_CHECKS)]
        _at_320_px(page, where, findings)


def _at_320_px(page: Page, where: str, findings: Findings) -> None:
    """Nothing scrolls sideways but boxes meant to (wide tables), and those can be scrolled from the
    keyboard."""
    page.set_viewport_size({"width": 320, "height": 800})
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 320:
        findings.problems.append(
            f"{where}: {width} px wide at 320 px (sideways scrolling): {page.evaluate(WIDEST)}"
        )
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'rule', values: ['scrollable-region-focusable']},"
        " resultTypes: ['violations']})"
    )
    for v in result["violations"]:
        findings.problems.append(
            f"{where}: at 320 px, axe {v['id']}: {[n['target'] for n in v['nodes'][:4]]}"
        )
    page.set_viewport_size({"width": 1280, "height": 900})


def _walk(page: Page, stops: list[Stop], lang: str, findings: Findings, html_dir: Path) -> None:
    for n, stop in enumerate(stops):
        response = page.goto(stop.url)
        if stop.visit.via == "errors":
            response = _send_empty(page)
        elif stop.visit.via == "register":
            response = _register(page, n if lang == "en" else 100 + n)
        _check(page, stop, lang, findings, html_dir, response)


def _html_validate(html_dir: Path, findings: Findings) -> None:
    config = html_dir / "htmlvalidate.json"
    config.write_text(json.dumps(HTML_VALIDATE_CONFIG))
    done = subprocess.run(
        [
            str(HTML_VALIDATE),
            "--config",
            str(config),
            "--formatter",
            "json",
            *sorted(findings.html),
        ],
        cwd=html_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode not in (0, 1) or not done.stdout.strip():
        findings.problems.append(
            f"html-validate did not run: {done.returncode} {done.stderr[:500]}"
        )
        return
    for result in json.loads(done.stdout):
        where = findings.html[Path(result["filePath"]).name]
        for m in result["messages"]:
            findings.problems.append(
                f"{where}: html-validate {m['ruleId']} line {m['line']}: {m['message']}"
            )


@pytest.mark.parametrize("role", WALK_ROLES)
def test_every_page_meets_wcag_21_aa(
    browser, live_server, live_app, live_db, tmp_path, monkeypatch, role
):
    _tools()
    monkeypatch.setitem(live_app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(live_app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    ids = walk_world(live_app, tmp_path / "uploads", tmp_path / "exports")
    stops = plan(live_app, ids, role)
    assert stops, f"no page to walk as {role}"
    context = browser.new_context(
        base_url=live_server, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.add_init_script(
        path=str(AXE)
    )  # before the page's scripts, and past its content security policy
    page = context.new_page()
    page.set_default_timeout(10_000)
    findings, html_dir = Findings(), tmp_path / "html"
    html_dir.mkdir()
    try:
        if role != "anonymous":
            _log_in(page, ids["emails"][role])
        _walk(page, stops, "en", findings, html_dir)
        page.goto("/")
        page.get_by_role("button", name="Türkçe").click()
        expect(page.locator("html")).to_have_attribute("lang", "tr")
        _walk(page, stops, "tr", findings, html_dir)
    finally:
        context.close()
    _html_validate(html_dir, findings)
    print(f"{role}: {findings.pages} pages walked ({len(stops)} per language)")
    assert not findings.problems, f"as {role}, {len(findings.problems)} problems:\n" + "\n".join(
        findings.problems
    )
