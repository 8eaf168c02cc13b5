"""Submission pages: check your answers, submit, confirmation, receipt, withdraw (attachments: attachment_routes)."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_login import current_user, login_required

from grants.applications.access import get_application_for, is_editable, is_lead_member
from grants.applications.budget import limits_of, problem_message, rule_lines
from grants.extensions import db
from grants.i18n import local_time
from grants.jobs import commit
from grants.models import Application
from grants.partners.presenters import describe
from grants.rules.budget import BudgetTotals, compute_totals, line_total
from grants.rules.submission import Blocker
from grants.rules.transitions import InvalidTransition
from grants.submission import services
from grants.submission.forms import WithdrawForm
from grants.submission.reopen import may_reopen
from grants.submission.versions import is_reopened
from reports.receipt import build_receipt

bp = Blueprint("submission", __name__)

FIXES = {"project": "applications.project", "budget": "applications.budget",  # where each blocker is fixed
         "partnership": "partners.partnership", "attachments": "submission.attachments"}


def lead_application(application_id: int) -> Application:
    """The application if the user acts for its lead: 404 for those who may not see it, 403 for partners."""
    application = get_application_for(current_user, application_id)
    if not is_lead_member(current_user, application):
        abort(403)
    return application


def blocker_text(blocker: Blocker, application: Application, totals: BudgetTotals) -> str:
    """The blocker in the reader's language; eligibility and money problems read as on their own pages."""
    call = application.call
    if blocker.problem is not None and blocker.fix == "budget":
        return problem_message(blocker.problem, totals, limits_of(call))
    if blocker.problem is not None:
        names = {str(application.lead_id): application.lead.name}
        names |= {str(p.organisation_id): p.organisation.name for p in application.partners}
        return describe(blocker.problem, names)
    params = {k: local_time(v, call.timezone) if isinstance(v, datetime) else v for k, v in blocker.params.items()}
    return _(blocker.message, **params)


def fix_url(fix: str, application: Application, anchor: str = "") -> str:
    if fix == "call":
        return url_for("public.call", reference=application.call.reference)
    if fix == "dashboard":
        return url_for("applications.dashboard")
    return url_for(FIXES[fix], application_id=application.id, _anchor=anchor or None)


def _render_check(application: Application, blockers: list[Blocker], code: int = 200):
    lines = rule_lines(application)
    totals = compute_totals(lines, application.indirect, application.contingency, application.requested_grant)
    shown = [(blocker_text(b, application, totals), fix_url(b.fix, application, b.anchor)) for b in blockers]
    line_totals = {line.id: line_total(plain) for line, plain in zip(application.budget_lines, lines)}
    return render_template("submission/check.html", application=application, call=application.call,
                           blockers=shown, refused=code != 200, totals=totals, line_totals=line_totals,
                           fix_url=fix_url,
                           stage=services.stage_of(application), editable=is_editable(application),
                           lead=is_lead_member(current_user, application)), code


@bp.get("/applications/<int:application_id>/check")
@login_required
def check(application_id: int):
    application = get_application_for(current_user, application_id)
    blockers = services.blockers_for(application) if is_editable(application) else []
    return _render_check(application, blockers)


@bp.post("/applications/<int:application_id>/submit")
@login_required
def submit(application_id: int):
    application = lead_application(application_id)
    try:
        services.submit(application)
    except services.AlreadySubmitted:
        db.session.rollback()
        flash(_("This application has already been submitted; it was not submitted again."), "info")
        return redirect(url_for("submission.confirmation", application_id=application_id))
    except services.SubmissionRefused as refused:
        db.session.rollback()
        return _render_check(application, refused.blockers, 400)
    commit()
    return redirect(url_for("submission.confirmation", application_id=application_id))


@bp.get("/applications/<int:application_id>/submitted")
@login_required
def confirmation(application_id: int):
    application = get_application_for(current_user, application_id)
    if is_reopened(services.stage_of(application)):  # a draft again: its page says what to do
        return redirect(url_for("applications.show", application_id=application_id))
    if not services.is_submitted(application):
        return redirect(url_for("submission.check", application_id=application_id))
    lead = is_lead_member(current_user, application)
    return render_template("submission/confirmation.html", application=application, call=application.call,
                           stage=services.stage_of(application), lead=lead,
                           reopenable=lead and may_reopen(application))


@bp.get("/applications/<int:application_id>/receipt.pdf")
@login_required
def receipt(application_id: int):
    application = get_application_for(current_user, application_id)
    if not services.stage_of(application).last_submitted_at:
        abort(404)
    pdf = build_receipt(services.receipt_for(application), str(get_locale()), get_translations())
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="receipt-{application.reference}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(application_id: int):
    application = lead_application(application_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw(application, form.reason.data)
        except (services.WithdrawalRefused, InvalidTransition):
            db.session.rollback()
            flash(_("This application can no longer be withdrawn."), "error")
            return redirect(url_for("submission.withdraw", application_id=application_id))
        commit()
        flash(_("The application was withdrawn. Your partners have been told."), "success")
        return redirect(url_for("applications.show", application_id=application_id))
    code = 400 if form.is_submitted() else 200
    return render_template("submission/withdraw.html", application=application, form=form,
                           stage=services.stage_of(application), withdrawable=services.may_withdraw(application)), code


from grants.submission import attachment_routes, reopen_routes  # noqa: E402,F401  (register their pages on bp)
