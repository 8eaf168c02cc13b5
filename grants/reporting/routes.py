"""The report pages: a grant's reports with their due dates (overdue shown), a report written by
the lead and read by staff and partners, staff's review (return with comments or approve with the
accepted costs), the final amount page and the recovery order."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user

from grants import clock, storage
from grants.access import requires
from grants.calls.fields import flat_errors
from grants.i18n import gettext as _
from grants.models import Grant, GrantReport
from grants.reporting import queries
from grants.reporting.access import (
    grant_or_404,
    lead_grant_or_404,
    may_write,
    report_or_404,
)
from grants.reporting.forms import (
    OpenForm,
    VerificationForm,
    read_report,
    read_reviews,
    report_form,
    review_form,
)
from grants.reporting.services import (
    EDITABLE,
    ReportInput,
    ReportRefused,
    accept_costs,
    approve_report,
    authorise_contingency,
    blockers,
    open_report,
    return_report,
    save_report,
    submit_report,
    upload_verification,
    verification_needed,
)
from grants.rules.grant_closure import balance
from grants.rules.grant_status import ReportKind, ReportStatus
from grants.unit_of_work import keep_writes, refusals, show

bp = Blueprint("reporting", __name__)


@bp.get("/grants/<int:grant_id>/reports")
@requires("grant")
def reports(grant_id: int):
    grant = grant_or_404(grant_id, current_user)
    return render_template(
        "reporting/reports.html",
        grant=grant,
        rows=queries.schedule(grant, clock.now().date()),
        writer=may_write(current_user, grant),
        form=OpenForm(),
    )


@bp.post("/grants/<int:grant_id>/reports/open")
@requires("grant_lead")
def open_(grant_id: int):
    grant = lead_grant_or_404(grant_id, current_user)
    form = OpenForm()
    kind, period = form.kind.data, form.period.data
    if not form.validate() or kind not in ("interim", "final") or not str(period).isdigit():
        abort(400)
    with refusals() as outcome:
        report = open_report(grant, ReportKind(kind), int(period), current_user.id)
    if not outcome.ok:
        return redirect(url_for(".reports", grant_id=grant.id))
    return redirect(url_for(".report", grant_id=grant.id, report_id=report.id))


def _page(grant: Grant, report: GrantReport, form=None, review=None, code: int = 200):
    writer = may_write(current_user, grant) and report.status in EDITABLE
    staff = current_user.has_role("staff")
    if writer and form is None:
        form = report_form(report)
    if staff and review is None and report.status is ReportStatus.submitted:
        review = review_form(grant, report)
    return render_template(
        "reporting/report.html",
        grant=grant,
        report=report,
        form=form if writer else None,
        review=review if staff else None,
        upload=VerificationForm() if writer and verification_needed(report) else None,
        needs_verification=verification_needed(report),
        errors=flat_errors(form) if form is not None else [],
        staff=staff,
    ), code


@bp.get("/grants/<int:grant_id>/reports/<int:report_id>")
@requires("grant")
def report(grant_id: int, report_id: int):
    grant = grant_or_404(grant_id, current_user)
    return _page(grant, report_or_404(grant, report_id))


@bp.post("/grants/<int:grant_id>/reports/<int:report_id>/save")
@requires("grant_lead")
def save(grant_id: int, report_id: int):
    grant = lead_grant_or_404(grant_id, current_user)
    report = report_or_404(grant, report_id)
    if report.status not in EDITABLE:
        flash(_("This report was sent: it can no longer be changed."), "warning")
        return redirect(url_for(".report", grant_id=grant.id, report_id=report.id))
    form = report_form(report, request.form)
    if not form.validate():
        return _page(grant, report, form=form, code=400)
    activities, indirect, contingency, actuals, achieved = read_report(form)
    loaded = int(form.version.data) if str(form.version.data or "").isdigit() else None
    data = ReportInput(activities, indirect, contingency, actuals, achieved)
    with refusals(form) as outcome:
        save_report(report, data, loaded, current_user.id)
    if not outcome.ok:
        db_report = report_or_404(grant, report_id)
        form.version.data = db_report.version
        return _page(grant, db_report, form=form, code=409)
    if form.send.data:
        issues = blockers(report)
        if issues:  # the save stands; what blocks the sending is listed on the form
            keep_writes()
            show(ReportRefused(issues=issues), form)
            form.version.data = report.version
            return _page(grant, report, form=form, code=400)
        with refusals(form) as outcome:
            submit_report(report, current_user.id, clock.now())
        if not outcome.ok:
            return _page(grant, report_or_404(grant, report_id), form=form, code=400)
        flash(_("The report was sent to the programme staff."), "success")
    else:
        flash(_("The report was saved."), "success")
    return redirect(url_for(".report", grant_id=grant.id, report_id=report.id))


@bp.post("/grants/<int:grant_id>/reports/<int:report_id>/verification")
@requires("grant_lead")
def verification(grant_id: int, report_id: int):
    grant = lead_grant_or_404(grant_id, current_user)
    report = report_or_404(grant, report_id)
    form = VerificationForm()
    if form.validate():
        with refusals(form) as outcome:
            upload_verification(
                report,
                form.file.data,
                current_app.config["UPLOAD_MAX_BYTES"],
                current_user.id,
            )
        if outcome.ok:
            flash(_("The verification report was uploaded."), "success")
            return redirect(url_for(".report", grant_id=grant.id, report_id=report.id))
    for error in form.file.errors:
        flash(str(error), "danger")
    return redirect(url_for(".report", grant_id=grant.id, report_id=report.id))


@bp.get("/grants/<int:grant_id>/reports/<int:report_id>/verification")
@requires("grant")
def verification_file(grant_id: int, report_id: int):
    grant = grant_or_404(grant_id, current_user)
    report = report_or_404(grant, report_id)
    if not report.verification_file:
        abort(404)
    response = send_file(
        storage.path_for(queries.upload_dir(), report.verification_file),
        mimetype=storage.PDF,
        as_attachment=True,
        download_name=storage.download_name(report.verification_name, storage.PDF),
        max_age=0,
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _final_page(grant: Grant, report: GrantReport, review=None, code: int = 200):
    result = queries.final_amount(grant, report)
    return render_template(
        "reporting/final.html",
        grant=grant,
        report=report,
        review=review or review_form(grant, report),
        result=result,
        balance=balance(result.amount, grant.prefinancing_paid),
        errors=flat_errors(review) if review is not None else [],
    ), code


@bp.get("/staff/grants/<int:grant_id>/final")
@requires("staff")
def final(grant_id: int):
    grant = grant_or_404(grant_id, current_user)
    report = queries.final_report(grant)
    if report is None:
        flash(_("The final report has not been opened yet."), "info")
        return redirect(url_for(".reports", grant_id=grant.id))
    return _final_page(grant, report_or_404(grant, report.id))


@bp.post("/staff/grants/<int:grant_id>/reports/<int:report_id>/review")
@requires("staff")
def review(grant_id: int, report_id: int):
    grant = grant_or_404(grant_id, current_user)
    report = report_or_404(grant, report_id)
    form = review_form(grant, report, request.form)
    back = (
        url_for(".final", grant_id=grant.id)
        if report.kind is ReportKind.final
        else url_for(".report", grant_id=grant.id, report_id=report.id)
    )

    def again(code: int):
        fresh = report_or_404(grant, report_id)
        if report.kind is ReportKind.final and fresh.status is ReportStatus.submitted:
            return _final_page(grant, fresh, form, code)
        return _page(grant, fresh, review=form, code=code)

    if form.send_back.data:
        with refusals(form) as outcome:
            return_report(report, form.comments.data or "", current_user.id, clock.now())
        if not outcome.ok:
            return again(400)
        flash(_("The report was returned to the lead with your comments."), "success")
        return redirect(url_for(".report", grant_id=grant.id, report_id=report.id))
    if not form.validate():
        return again(400)
    contingency = form.contingency.data if report.kind is ReportKind.final else None
    with refusals(form) as outcome:
        if form.approve.data:
            settlement = approve_report(
                report, read_reviews(form), current_user.id, clock.now(), contingency
            )
        else:
            accept_costs(report, read_reviews(form))
            if contingency is not None:
                authorise_contingency(grant, contingency, current_user.id)
            settlement = None
    if not outcome.ok:
        return again(400)
    if form.approve.data:
        flash(_("The report was approved."), "success")
        if settlement is not None and settlement.closed:
            flash(_("Nothing is left to pay or recover: the grant is closed."), "info")
        return redirect(url_for(".report", grant_id=grant.id, report_id=report.id))
    flash(_("The accepted costs were saved."), "success")
    return redirect(back)


@bp.get("/grants/<int:grant_id>/recovery-order.pdf")
@requires("grant")
def recovery_order(grant_id: int):
    grant = grant_or_404(grant_id, current_user)
    order = queries.recovery_order(grant)
    if order is None:
        abort(404)
    lang = request.args.get("lang") or str(get_locale())
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    return send_file(
        io.BytesIO(queries.recovery_order_pdf(order, lang)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=order.file_name,
    )
