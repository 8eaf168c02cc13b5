"""The pages the load benchmark measures (bench/load.py), each a scenario: who signs in, which URL,
and the request that is timed; shared by the locust users (bench/locustfile.py) and the single
client of the unloaded phase (bench/load_single.py). Accounts and ids come from bench/.load.json
(bench/load_setup.py)."""

from __future__ import annotations

import itertools
import json
import random
import re
from urllib.parse import urlsplit

from bench.load_setup import STATE

SCENARIOS = {  # scenario -> what the page is
    "public": "public call list (anonymous)",
    "dashboard": "applicant dashboard",
    "score_get": "evaluator's scoring page (GET)",
    "score_post": "evaluator's scoring page (POST, draft autosave)",
    "staff_list": "staff application list (10,000 applications, 50 a page)",
    "ranking": "ranking page (10,000 applications, a lot's tab, 50 a page)",
    "grants": "staff grants list (5,000 grants, first page)",
    "grant": "a grant's page (staff)",
    "grant_payments": "a grant's payments page (staff)",
    "oversight": "oversight of the call (5,000 grants)",
    "payments_due": "payments overview: what is due (staff)",
    "beneficiary": "the lead's own grant page (beneficiary)",
}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CRITERION = re.compile(r'name="score-(\d+)"')
STATE_DATA = json.loads(STATE.read_text()) if STATE.exists() else {}
_accounts = {
    "applicant": itertools.cycle(STATE_DATA.get("applicants", [])),
    "evaluator": itertools.cycle(sorted(STATE_DATA.get("evaluators", {}))),
    "beneficiary": itertools.cycle(sorted(STATE_DATA.get("beneficiaries", {}))),
    "grant": itertools.cycle(STATE_DATA.get("grants", [])),
}


def _token(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


class Visit:
    """One user's visit of a scenario's page: `start` signs in (the account's session cookie)
    and finds the URL; `page` sends the measured request. `client` is a requests.Session (or
    locust's HttpSession) whose paths are relative to `host`."""

    def __init__(self, scenario: str, client, host: str) -> None:
        if scenario not in SCENARIOS:
            raise RuntimeError(f"unknown scenario {scenario}")
        self.scenario, self.client, self.host = scenario, client, host

    def start(self) -> None:
        call_id, scenario = STATE_DATA["call_id"], self.scenario
        if scenario == "public":
            self.url = "/"
        elif scenario == "dashboard":
            self._log_in(next(_accounts["applicant"]))
            self.url = "/applications"
        elif scenario in ("score_get", "score_post"):
            email = next(_accounts["evaluator"])
            self._log_in(email)
            assignment = random.choice(STATE_DATA["evaluators"][email])
            self.url = f"/evaluation/assignments/{assignment}/score"
            page = self.client.get(self.url, name="setup").text
            self.token, self.criteria = _token(page), CRITERION.findall(page)
        elif scenario == "beneficiary":
            email = next(_accounts["beneficiary"])
            self._log_in(email)
            self.url = f"/grants/{STATE_DATA['beneficiaries'][email]}"
        else:
            self._log_in(STATE_DATA["staff"])
            grant = next(_accounts["grant"])
            self.url = {
                "staff_list": f"/staff/calls/{call_id}/applications",
                "ranking": f"/staff/calls/{call_id}/ranking",
                "grants": "/staff/grants",
                "grant": f"/grants/{grant}",
                "grant_payments": f"/grants/{grant}/payments",
                "oversight": f"/staff/oversight?call={call_id}",
                "payments_due": "/staff/payments",
            }[scenario]

    def _log_in(self, email: str) -> None:
        """The account's session cookie from bench/load_setup.py, then a page to check it works."""
        # the server's own Set-Cookie is host-only: the same domain, so that it replaces this one
        self.client.cookies.set(
            "session", STATE_DATA["sessions"][email], domain=urlsplit(self.host).hostname, path="/"
        )
        response = self.client.get("/auth/login", name="setup", allow_redirects=False)
        if response.status_code != 302:  # a signed-in user is sent on from the login page
            raise RuntimeError(f"the session of {email} is not signed in: {response.status_code}")

    def page(self):
        if self.scenario == "score_post":  # the autosave of a draft: two scores and a comment
            chosen = random.sample(self.criteria, 2)
            data = {f"score-{cid}": str(random.randint(1, 5)) for cid in chosen}
            data.update(
                {
                    f"comment-{chosen[0]}": "Convincing partnership.",
                    "csrf_token": self.token,
                    "action": "autosave",
                }
            )
            return self.client.post(
                self.url, data=data, headers={"HX-Request": "true"}, name="page"
            )
        return self.client.get(self.url, name="page")
