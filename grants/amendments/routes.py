"""The amendments pages: a grant's requests (the lead's members request and withdraw, staff
approve or refuse) and its termination by staff."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from grants import clock
from grants.access import requires
from grants.amendments import presenters
from grants.amendments.access import amendment_or_404
from grants.amendments.forms import (
    DecisionForm,
    EndDateForm,
    PartnerForm,
    TerminateForm,
    WithdrawForm,
    budget_form,
)
from grants.amendments.queries import (
    amendments,
    line_names,
    names,
    organisations_to_add,
    recovery_of,
)
from grants.amendments.services import decisions, requests, termination
from grants.contracts.access import (
    grant_or_404,
    is_lead_member,
    lead_grant_or_404,
    staff_grant_or_404,
)
from grants.i18n import gettext as _
from grants.i18n import money
from grants.labels import GRANT_STATUS_LABELS
from grants.models import Grant
from grants.rules.grant_status import AmendmentStatus, GrantStatus
from grants.unit_of_work import refusals

bp = Blueprint("amendments", __name__)


def _budget_form(grant: Grant, **kw):
    lines = grant.current.lines
    form = budget_form([line.id for line in lines], **kw)
    if not form.is_submitted():
        for line in lines:
            getattr(form, f"line_{line.id}").data = line.amount
        form.indirect.data, form.contingency.data = (
            grant.current.indirect,
            grant.current.contingency,
        )
    return form


def _partner_form(grant: Grant) -> PartnerForm:
    form = PartnerForm()
    none = [SelectChoice("", _("None"))]
    form.remove.choices = none + [
        SelectChoice(str(p.organisation_id), p.organisation.name)
        for p in grant.application.partners
    ]
    form.add.choices = none + [
        SelectChoice(str(i), name) for i, name in organisations_to_add(grant)
    ]
    return form


def _ids(form, prefix: str):
    """Ids of their own for a form's fields: three request forms share one page."""
    for item in form:
        item.id = f"{prefix}-{item.name}"
        item.label.field_id = item.id
    return form


def _page(grant: Grant, status: int = 200, **forms):
    lead = is_lead_member(current_user, grant)
    staff = current_user.has_role("staff")
    in_force = grant.status is GrantStatus.in_force
    rows = amendments(grant.id)
    people = names(({a.requested_by_id for a in rows} | {a.decided_by_id for a in rows}) - {None})
    context = {
        "grant": grant,
        "rows": rows,
        "people": people,
        "lines": line_names(grant),
        "lead": lead,
        "staff": staff,
        "in_force": in_force,
        "kinds": presenters.KINDS,
        "statuses": presenters.STATUSES,
        "grant_statuses": GRANT_STATUS_LABELS,
        "requested": AmendmentStatus.requested,
        "decision_forms": {
            a.id: forms.get(f"decision_{a.id}") or DecisionForm(prefix=f"a{a.id}") for a in rows
        },
        "withdraw_form": WithdrawForm(),
        "posted": list(forms.values()),  # the form sent: its errors shown at the top
    }
    if lead and in_force:
        context |= {
            "end_date_form": _ids(forms.get("end_date_form") or EndDateForm(), "end"),
            "budget_form": _ids(forms.get("budget_form") or _budget_form(grant), "budget"),
            "partner_form": _ids(forms.get("partner_form") or _partner_form(grant), "partner"),
        }
    return render_template("amendments/index.html", **context), status


@bp.get("/grants/<int:grant_id>/amendments")
@requires("grant")
def index(grant_id: int):
    return _page(grant_or_404(grant_id, current_user))


def _done(grant: Grant, message: str):
    flash(message, "success")
    return redirect(url_for(".index", grant_id=grant.id))


@bp.post("/grants/<int:grant_id>/amendments/end-date")
@requires("grant_lead")
def request_end_date(grant_id: int):
    grant, form = lead_grant_or_404(grant_id, current_user), EndDateForm()
    if form.validate():
        with refusals(form) as outcome:
            requests.request_end_date(
                grant, form.end_date.data, form.justification.data, current_user, clock.now()
            )
        if outcome.ok:
            return _done(grant, _("Your request was sent to the programme's staff."))
    return _page(grant, 400, end_date_form=form)


@bp.post("/grants/<int:grant_id>/amendments/budget")
@requires("grant_lead")
def request_budget(grant_id: int):
    grant = lead_grant_or_404(grant_id, current_user)
    form = _budget_form(grant)
    if form.validate():
        amounts: dict[int, Decimal] = {
            line.id: getattr(form, f"line_{line.id}").data for line in grant.current.lines
        }
        with refusals(form) as outcome:
            requests.request_budget(
                grant,
                amounts,
                form.indirect.data,
                form.contingency.data,
                form.max_grant.data,
                form.justification.data,
                current_user,
                clock.now(),
            )
        if outcome.ok:
            return _done(grant, _("Your request was sent to the programme's staff."))
    return _page(grant, 400, budget_form=form)


@bp.post("/grants/<int:grant_id>/amendments/partner")
@requires("grant_lead")
def request_partner(grant_id: int):
    grant = lead_grant_or_404(grant_id, current_user)
    form = _partner_form(grant)
    if form.validate():
        with refusals(form) as outcome:
            requests.request_partner(
                grant,
                int(form.remove.data) if form.remove.data else None,
                int(form.add.data) if form.add.data else None,
                form.role.data or "",
                form.justification.data,
                current_user,
                clock.now(),
            )
        if outcome.ok:
            return _done(grant, _("Your request was sent to the programme's staff."))
    return _page(grant, 400, partner_form=form)


@bp.post("/grants/<int:grant_id>/amendments/<int:amendment_id>/withdraw")
@requires("grant_lead")
def withdraw(grant_id: int, amendment_id: int):
    grant = lead_grant_or_404(grant_id, current_user)
    amendment = amendment_or_404(grant, amendment_id)
    with refusals() as outcome:
        requests.withdraw(grant, amendment, current_user, clock.now())
    if outcome.ok:
        flash(_("The request was withdrawn."), "success")
    return redirect(url_for(".index", grant_id=grant.id))


@bp.post("/grants/<int:grant_id>/amendments/<int:amendment_id>/decide")
@requires("staff")
def decide(grant_id: int, amendment_id: int):
    grant = staff_grant_or_404(grant_id)
    amendment = amendment_or_404(grant, amendment_id)
    form = DecisionForm(prefix=f"a{amendment.id}")
    if form.validate():
        with refusals(form) as outcome:
            if form.decision.data == "approve":
                decisions.approve(grant, amendment, form.reason.data, current_user, clock.now())
            else:
                decisions.refuse(grant, amendment, form.reason.data, current_user, clock.now())
        if outcome.ok:
            return _done(
                grant,
                _("The amendment was approved: a new version of the contract is in force.")
                if form.decision.data == "approve"
                else _("The request was refused."),
            )
    return _page(grant, 400, **{f"decision_{amendment.id}": form})


@bp.route("/staff/grants/<int:grant_id>/terminate", methods=["GET", "POST"])
@requires("staff")
def terminate(grant_id: int):
    grant = staff_grant_or_404(grant_id)
    form = TerminateForm()
    if form.validate_on_submit():
        with refusals(form) as outcome:
            recovery = termination.terminate(grant, form.reason.data, current_user, clock.now())
        if outcome.ok:
            flash(
                _(
                    "The grant was terminated. Recovery due: %(amount)s.",
                    amount=money(recovery, grant.call.currency),
                ),
                "success",
            )
            return redirect(url_for(".index", grant_id=grant.id))
    accepted = recovery = None
    if grant.status is GrantStatus.in_force:
        accepted, recovery = recovery_of(grant)
    return render_template(
        "amendments/terminate.html",
        grant=grant,
        form=form,
        accepted=accepted,
        recovery=recovery,
        grant_statuses=GRANT_STATUS_LABELS,
    ), (400 if form.is_submitted() else 200)
