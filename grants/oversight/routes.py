"""The oversight page (staff): money per call, lot, province and partner country; reports and
payments due and overdue."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from grants import clock
from grants.access import requires
from grants.oversight import queries
from grants.oversight.presenters import DUE_LABELS, GROUPS

bp = Blueprint("oversight", __name__)
PER_PAGE = 50  # items due


@bp.get("/staff/oversight")
@requires("staff")
def index():
    call_id = request.args.get("call", type=int)
    money = queries.summaries(call_id)
    calls = money.calls
    groups = [
        ("calls", calls),
        ("lots", money.lots),
        ("provinces", money.provinces),
        ("partner_countries", queries.by_partner_country(call_id)),
    ]
    return render_template(
        "oversight/index.html",
        groups=groups,
        total=queries.total(calls),
        dues=queries.dues(
            clock.now(), call_id, request.args.get("dues_page", 1, type=int), PER_PAGE
        ),
        calls=calls,
        call_id=call_id,
        due_labels=DUE_LABELS,
        group_labels=GROUPS,
    )
