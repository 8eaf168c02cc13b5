"""The payments pages: a grant's schedule and payments (staff and the beneficiaries' members;
staff record, authorise and cancel), and staff's overview of what is due across grants."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from grants import clock
from grants.access import requires
from grants.contracts.access import grant_or_404, staff_grant_or_404
from grants.i18n import gettext as _
from grants.models import Grant
from grants.payments import queries, services
from grants.payments.access import payment_or_404
from grants.payments.forms import PaymentForm
from grants.rules.grant_status import PaymentKind
from grants.rules.numbers import example
from grants.unit_of_work import refusals

bp = Blueprint("payments", __name__)
PER_PAGE = 50


def _page(grant: Grant, form: PaymentForm | None = None, status: int = 200):
    is_staff = current_user.has_role("staff")
    view = queries.grant_payments(grant, queries.local_day(grant, clock.now()))
    return render_template(
        "payments/grant.html",
        grant=grant,
        view=view,
        is_staff=is_staff,
        # nothing more is paid or recovered on a closed grant: no form to record it
        form=(form or PaymentForm()) if is_staff and grant.status in queries.MOVING else None,
        amount_example=example(str(get_locale())),
    ), status


@bp.get("/grants/<int:grant_id>/payments")
@requires("grant")
def grant_payments(grant_id: int):
    return _page(grant_or_404(grant_id, current_user))


@bp.post("/grants/<int:grant_id>/payments")
@requires("staff")
def record(grant_id: int):
    grant, form = staff_grant_or_404(grant_id), PaymentForm()
    if not form.validate():
        return _page(grant, form, 400)
    with refusals(form) as outcome:
        services.record(
            grant,
            PaymentKind(form.kind.data),
            form.amount.data,
            form.value_date.data,
            form.reference.data or "",
            form.note.data or "",
            current_user.id,
            clock.now(),
        )
    if not outcome.ok:
        return _page(grant, form, 400)
    flash(_("The payment was recorded: another staff user must authorise it."), "success")
    return redirect(url_for(".grant_payments", grant_id=grant.id))


@bp.post("/grants/<int:grant_id>/payments/<int:payment_id>/authorise")
@requires("staff")
def authorise(grant_id: int, payment_id: int):
    grant = staff_grant_or_404(grant_id)
    payment = payment_or_404(grant, payment_id)
    with refusals() as outcome:
        services.authorise(payment, current_user.id, clock.now())
    if outcome.ok:
        flash(_("The payment was authorised."), "success")
    return redirect(url_for(".grant_payments", grant_id=grant_id))


@bp.post("/grants/<int:grant_id>/payments/<int:payment_id>/cancel")
@requires("staff")
def cancel(grant_id: int, payment_id: int):
    grant = staff_grant_or_404(grant_id)
    payment = payment_or_404(grant, payment_id)
    with refusals() as outcome:
        services.cancel(payment, current_user.id, clock.now())
    if outcome.ok:
        flash(_("The payment was cancelled."), "success")
    return redirect(url_for(".grant_payments", grant_id=grant_id))


@bp.get("/staff/payments")
@requires("staff")
def overview():
    due = queries.open_items_page(clock.now(), request.args.get("page", 1, type=int), PER_PAGE)
    waiting = queries.waiting_authorisation(request.args.get("waiting_page", 1, type=int), PER_PAGE)
    return render_template("payments/overview.html", due=due, waiting=waiting)
