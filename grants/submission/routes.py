"""Submission pages: check your answers, submit, confirmation, receipt, withdraw, reopen,
attachments."""

from __future__ import annotations

from contextlib import suppress

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from grants import files, storage
from grants.access import requires
from grants.applications.access import (
    get_application_for,
    get_application_to_edit,
    is_editable,
    is_lead_member,
)
from grants.applications.budget import rule_lines
from grants.i18n import local_time
from grants.models import Application, AttachmentKind
from grants.rules.budget import compute_totals, line_total
from grants.rules.submission import Blocker
from grants.submission import bp, queries
from grants.submission.access import attachment_for, attachment_to_delete, lead_application
from grants.submission.forms import UploadForm, WithdrawForm
from grants.submission.presenters import blocker_text, fix_url
from grants.submission.queries import is_reopened
from grants.submission.services import attachments
from grants.submission.services import reopen as reopening
from grants.submission.services import submit as submitting
from grants.unit_of_work import refusals
from reports.receipt import build_receipt

# Check your answers, submit, confirmation, receipt ------------------------------------------------


def _render_check(application: Application, blockers: list[Blocker], code: int = 200):
    lines = rule_lines(application)
    totals = compute_totals(
        lines, application.indirect, application.contingency, application.requested_grant
    )
    shown = [
        (blocker_text(b, application, totals), fix_url(b.fix, application, b.anchor))
        for b in blockers
    ]
    line_totals = {
        line.id: line_total(plain) for line, plain in zip(application.budget_lines, lines)
    }
    return render_template(
        "submission/check.html",
        application=application,
        call=application.call,
        blockers=shown,
        refused=code != 200,
        totals=totals,
        line_totals=line_totals,
        fix_url=fix_url,
        stage=queries.stage_of(application),
        editable=is_editable(application),
        lead=is_lead_member(current_user, application),
    ), code


@bp.get("/applications/<int:application_id>/check")
@requires("application")
def check(application_id: int):
    application = get_application_for(current_user, application_id)
    blockers = queries.blockers_for(application) if is_editable(application) else []
    return _render_check(application, blockers)


@bp.post("/applications/<int:application_id>/submit")
@requires("lead_draft_submit")
def submit(application_id: int):
    application = lead_application(current_user, application_id)
    with refusals():  # submitted already (a second click): said, and its confirmation shown again
        try:
            submitting.submit(application)
        except (
            submitting.SubmissionRefused
        ) as refused:  # the page again with every blocker (400: rolled back)
            return _render_check(application, refused.blockers, 400)
    return redirect(url_for("submission.confirmation", application_id=application_id))


@bp.get("/applications/<int:application_id>/submitted")
@requires("application")
def confirmation(application_id: int):
    application = get_application_for(current_user, application_id)
    if is_reopened(queries.stage_of(application)):  # a draft again: its page says what to do
        return redirect(url_for("applications.show", application_id=application_id))
    if not queries.is_submitted(application):
        return redirect(url_for("submission.check", application_id=application_id))
    lead = is_lead_member(current_user, application)
    return render_template(
        "submission/confirmation.html",
        application=application,
        call=application.call,
        stage=queries.stage_of(application),
        lead=lead,
        reopenable=lead and queries.may_reopen(application),
    )


@bp.get("/applications/<int:application_id>/receipt.pdf")
@requires("application")
def receipt(application_id: int):
    application = get_application_for(current_user, application_id)
    if not queries.stage_of(application).last_submitted_at:
        abort(404)
    pdf = build_receipt(queries.receipt_for(application), str(get_locale()), get_translations())
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="receipt-{application.reference}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


# Withdraw, reopen
# ----------------------------------------------------------------------------------


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@requires("lead")
def withdraw(application_id: int):
    application = lead_application(current_user, application_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        with refusals() as outcome:
            submitting.withdraw(application, form.reason.data)
        if not outcome.ok:
            return redirect(url_for("submission.withdraw", application_id=application_id))
        flash(_("The application was withdrawn. Your partners have been told."), "success")
        return redirect(url_for("applications.show", application_id=application_id))
    code = 400 if form.is_submitted() else 200
    return render_template(
        "submission/withdraw.html",
        application=application,
        form=form,
        stage=queries.stage_of(application),
        withdrawable=queries.may_withdraw(application),
    ), code


@bp.route("/applications/<int:application_id>/reopen", methods=["GET", "POST"])
@requires("lead")
def reopen(application_id: int):
    """GET explains what reopening means; POST reopens (once, however often it is clicked)."""
    application = lead_application(current_user, application_id)
    form = FlaskForm()
    if form.validate_on_submit():
        with refusals() as outcome:
            stage = reopening.reopen(application)
        if outcome.ok:
            deadline = application.call.submission_deadline(stage.stage)
            flash(
                _(
                    "The application is reopened: correct it, then submit it again before "
                    "%(deadline)s, or it will "
                    "not count. Your partners have been told.",
                    deadline=local_time(deadline, application.call.timezone),
                ),
                "warning",
            )
        return redirect(url_for("applications.show", application_id=application_id))
    stage = queries.stage_of(application)
    refusal = queries.refusal(application)
    return render_template(
        "submission/reopen.html",
        application=application,
        call=application.call,
        stage=stage,
        form=form,
        refusal=_(reopening.MESSAGES[refusal]) if refusal else None,
        deadline=application.call.submission_deadline(stage.stage),
    ), 400 if form.is_submitted() else 200


# Attachments
# ---------------------------------------------------------------------------------------


def _render_attachments(application, form: UploadForm, code: int = 200):
    statements = {
        a.organisation_id: a
        for a in application.attachments
        if a.kind is AttachmentKind.partnership_statement
    }
    return render_template(
        "submission/attachments.html",
        application=application,
        form=form,
        statements=statements,
        declaration=next(
            (a for a in application.attachments if a.kind is AttachmentKind.declaration), None
        ),
        annexes=sorted(
            (a for a in application.attachments if a.kind is AttachmentKind.annex),
            key=lambda a: a.id,
        ),
        editable=is_lead_member(current_user, application) and is_editable(application),
        limit=storage.human_size(current_app.config["UPLOAD_MAX_BYTES"]),
    ), code


def _documents(application) -> list[tuple[str, str]]:
    """The select's choices: an empty placeholder first (a required select must start with one),
    then the slots."""
    return [("", _("Choose…")), *queries.slots(application)]


@bp.route(
    "/applications/<int:application_id>/attachments",
    methods=["GET", "POST"],
    endpoint="attachments",
)
@requires("application", post="lead_draft")
def attachments_page(application_id: int):
    posted = request.method == "POST"
    load = get_application_to_edit if posted else get_application_for
    application = load(current_user, application_id)
    form = UploadForm()
    form.document.choices = _documents(application)
    if not posted:
        return _render_attachments(application, form)
    if form.validate():
        with refusals(form) as outcome:  # a refused file: said on the file field
            attachment = attachments.upload(
                application, form.document.data, form.file.data, current_user
            )
        if outcome.ok:
            flash(_("%(name)s was uploaded.", name=attachment.original_name), "success")
            return redirect(url_for("submission.attachments", application_id=application.id))
    return _render_attachments(application, form, 400)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """A file over the whole request's limit is refused before any view reads it: on the attachments
    page, answer as for a file over the per-file limit, on the page, rather than with a bare error
    page."""
    application = None
    if request.endpoint == "submission.attachments" and request.view_args:
        with suppress(HTTPException):
            application = get_application_to_edit(current_user, request.view_args["application_id"])
    if application is None:
        return render_template(
            "errors/error.html", code=413, message=_("The file is too large.")
        ), 413
    form = UploadForm(formdata=None)
    form.document.choices = _documents(application)
    form.file.errors = [
        _(
            "The file is larger than the limit of %(size)s.",
            size=storage.human_size(current_app.config["UPLOAD_MAX_BYTES"]),
        )
    ]
    return _render_attachments(application, form, 413)


@bp.get("/attachments/<int:attachment_id>")
@requires("application_or_reader")
def download(attachment_id: int):
    attachment = attachment_for(current_user, attachment_id)
    response = files.uploads().download(
        files.upload_key(attachment.stored_name),
        mimetype=attachment.content_type,
        download_name=storage.download_name(attachment.original_name, attachment.content_type),
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/attachments/<int:attachment_id>/delete")
@requires("lead_draft")
def delete_attachment(attachment_id: int):
    application, attachment = attachment_to_delete(current_user, attachment_id)
    attachments.delete(application, attachment)
    flash(_("%(name)s was deleted.", name=attachment.original_name), "success")
    return redirect(url_for("submission.attachments", application_id=application.id))
