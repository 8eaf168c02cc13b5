"""L3 (docs/security.md): ids and page numbers no column can hold (a 25-digit id) answer 404 or the
first page, never a server error, on every route, for staff and for an applicant, on SQLite and
PostgreSQL."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

from tests.security.support import client_for, csrf_token, make_world, rules
from tests.security.world import ROLES

HUGE = "1" + "0" * 24


def _huge_url(rule) -> str:
    """The rule's path with every integer argument replaced by a 25-digit number, other arguments by
    'x'."""
    path = rule.rule
    for name, converter in rule._converters.items():
        kind = next(
            k
            for k in ("int", "string", "path")
            if f"<{k}:{name}>" in path or (k == "string" and f"<{name}>" in path)
        )
        value = HUGE if isinstance(converter, IntegerConverter) else "x"
        path = path.replace(f"<{kind}:{name}>", value).replace(f"<{name}>", value)
    return path


def test_a_25_digit_id_is_no_page_on_any_route(app, db, tmp_path, monkeypatch):
    world = make_world(app, tmp_path, monkeypatch)
    for role in ("staff", "applicant", "assigned_evaluator"):
        assert role in ROLES
        client = client_for(app, world.users[role])
        token = csrf_token(client)
        errors = []
        for method in ("GET", "POST"):
            for rule in rules(app, method):
                if not any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
                    continue
                address = _huge_url(rule)
                response = (
                    client.get(address)
                    if method == "GET"
                    else client.post(address, data={"csrf_token": token})
                )
                if response.status_code not in {404, 405}:
                    errors.append(f"{method} {address}: {response.status_code}")
        assert not errors, f"as {role}:\n" + "\n".join(errors)


def test_a_page_number_no_column_holds_reads_as_the_first_page(app, db, tmp_path, monkeypatch):
    world = make_world(app, tmp_path, monkeypatch)
    client = client_for(app, world.users["staff"])
    call = world.ids["call"]
    for address in (
        f"/staff/calls/{call}/applications?page={HUGE}&lot={HUGE}",
        f"/partners?page={HUGE}",
        f"/staff/calls/{call}/admissibility?page={HUGE}",
        f"/staff/calls/{call}/ranking?page-awarded={HUGE}",
        f"/exports?call_id={HUGE}",
    ):
        assert client.get(address).status_code in {200, 302, 404}, address
