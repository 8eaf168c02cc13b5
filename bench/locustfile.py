"""Locust users for bench/load.py: each loops over one page (the SCENARIO environment variable) and
the trivial /health route, so that both are measured under the same load in the same run ("page" and
"trivial" in the statistics). Accounts come from bench/.load.json (bench/load_setup.py)."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from urllib.parse import urlsplit

from locust import HttpUser, between, task

from bench.load_setup import STATE

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CRITERION = re.compile(r'name="score-(\d+)"')
SCENARIO = os.environ.get("SCENARIO", "public")
STATE_DATA = json.loads(STATE.read_text())
_accounts = {
    "applicant": itertools.cycle(STATE_DATA["applicants"]),
    "evaluator": itertools.cycle(sorted(STATE_DATA["evaluators"])),
}


def _token(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


class Visitor(HttpUser):
    wait_time = between(0.5, 1.5)  # a person reading, then clicking

    def on_start(self) -> None:
        call_id = STATE_DATA["call_id"]
        if SCENARIO == "public":
            self.url = "/"
        elif SCENARIO == "dashboard":
            self._log_in(next(_accounts["applicant"]))
            self.url = "/applications"
        elif SCENARIO in ("score_get", "score_post"):
            email = next(_accounts["evaluator"])
            self._log_in(email)
            self.url = (
                f"/evaluation/assignments/{random.choice(STATE_DATA['evaluators'][email])}/score"
            )
            page = self.client.get(self.url, name="setup").text
            self.token, self.criteria = _token(page), CRITERION.findall(page)
        elif SCENARIO == "staff_list":
            self._log_in(STATE_DATA["staff"])
            self.url = f"/staff/calls/{call_id}/applications"
        elif SCENARIO == "ranking":
            self._log_in(STATE_DATA["staff"])
            self.url = f"/staff/calls/{call_id}/ranking"
        else:
            raise RuntimeError(f"unknown scenario {SCENARIO}")

    def _log_in(self, email: str) -> None:
        """The account's session cookie from bench/load_setup.py, then a page to check it works."""
        # the server's own Set-Cookie is host-only: the same domain, so that it replaces this one
        # later
        self.client.cookies.set(
            "session", STATE_DATA["sessions"][email], domain=urlsplit(self.host).hostname, path="/"
        )
        response = self.client.get("/auth/login", name="setup", allow_redirects=False)
        if response.status_code != 302:  # a signed-in user is sent on from the login page
            raise RuntimeError(f"the session of {email} is not signed in: {response.status_code}")

    @task
    def page_then_trivial(self) -> None:
        if SCENARIO == "score_post":  # the autosave of a draft: two scores and a comment
            chosen = random.sample(self.criteria, 2)
            data = {f"score-{cid}": str(random.randint(1, 5)) for cid in chosen}
            data.update(
                {
                    f"comment-{chosen[0]}": "Convincing partnership.",
                    "csrf_token": self.token,
                    "action": "autosave",
                }
            )
            self.client.post(self.url, data=data, headers={"HX-Request": "true"}, name="page")
        else:
            self.client.get(self.url, name="page")
        self.client.get("/health", name="trivial")
