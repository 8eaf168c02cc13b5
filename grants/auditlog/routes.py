"""The staff audit-log page: every state change the audit trail holds, newest first, filtered by
call, application, user and days; each time shown in its call's zone (or the configured zone where
no call applies)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from wtforms import SelectChoice

from grants.access import requires
from grants.auditlog import presenters, queries
from grants.auditlog.forms import FilterForm
from grants.i18n import display_zone
from grants.i18n import lazy_gettext as _l

bp = Blueprint("auditlog", __name__)


@bp.get("/staff/audit")
@requires("staff")
def index():
    form = FilterForm(request.args)
    calls = queries.calls()
    form.call.choices = [SelectChoice("", _l("Any call"))] + [
        SelectChoice(str(call_id), f"{reference} – {title}")
        for call_id, reference, title, _zone in calls
    ]
    zones = {call_id: zone for call_id, _reference, _title, zone in calls}
    valid, application = form.validate(), None
    if valid and form.application.data:
        application = queries.application_by_reference(form.application.data)
        if application is None:
            form.application.errors.append(
                _l(
                    "No application has the reference %(reference)s.",
                    reference=form.application.data,
                )
            )
            valid = False
    page, zone = None, display_zone()
    if valid:
        call_id = form.call.data if form.call.data in zones else None
        # the days typed are days of the call's zone (the chosen call's, or the application's)
        zone = zones.get(call_id or (application[1] if application else None)) or zone
        since, until = queries.day_range(form.since.data, form.until.data, zone)
        filters = queries.Filters(
            call_id, application[0] if application else None, form.user.data or "", since, until
        )
        page = queries.events_page(filters, request.args.get("page", 1, type=int))
    args = {name: value for name, value in request.args.items() if name != "page" and value}
    return render_template(
        "auditlog/index.html",
        form=form,
        page=page,
        zone=zone,
        args=args,
        fallback_zone=display_zone(),
        labels=presenters,
    )
