"""Attachment pages on the submission blueprint: list and upload, download, delete."""
from __future__ import annotations

from contextlib import suppress

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from grants.applications.access import get_application_for, get_application_to_edit, is_editable, is_lead_member
from grants.jobs import commit
from grants.models import AttachmentKind
from grants.submission import attachments, storage
from grants.submission.forms import UploadForm
from grants.submission.routes import bp


def _render(application, form: UploadForm, code: int = 200):
    statements = {a.organisation_id: a for a in application.attachments
                  if a.kind is AttachmentKind.partnership_statement}
    return render_template(
        "submission/attachments.html", application=application, form=form, statements=statements,
        declaration=next((a for a in application.attachments if a.kind is AttachmentKind.declaration), None),
        annexes=sorted((a for a in application.attachments if a.kind is AttachmentKind.annex), key=lambda a: a.id),
        editable=is_lead_member(current_user, application) and is_editable(application),
        limit=storage.human_size(current_app.config["UPLOAD_MAX_BYTES"]),
    ), code


def _documents(application) -> list[tuple[str, str]]:
    """The select's choices: an empty placeholder first (a required select must start with one), then the slots."""
    return [("", _("Choose…")), *attachments.slots(application)]


@bp.route("/applications/<int:application_id>/attachments", methods=["GET", "POST"], endpoint="attachments")
@login_required
def attachments_page(application_id: int):
    posted = request.method == "POST"
    load = get_application_to_edit if posted else get_application_for
    application = load(current_user, application_id)
    form = UploadForm()
    form.document.choices = _documents(application)
    if not posted:
        return _render(application, form)
    if form.validate():
        try:
            attachment = attachments.upload(application, form.document.data, form.file.data, current_user)
        except storage.UploadRefused as refused:
            form.file.errors.append(_(refused.message, **refused.params))
        else:
            commit()
            flash(_("%(name)s was uploaded.", name=attachment.original_name), "success")
            return redirect(url_for("submission.attachments", application_id=application.id))
    return _render(application, form, 400)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """A file over the whole request's limit is refused before any view reads it: on the attachments page,
    answer as for a file over the per-file limit, on the page, rather than with a bare error page."""
    application = None
    if request.endpoint == "submission.attachments" and request.view_args:
        with suppress(HTTPException):
            application = get_application_to_edit(current_user, request.view_args["application_id"])
    if application is None:
        return render_template("errors/error.html", code=413, message=_("The file is too large.")), 413
    form = UploadForm(formdata=None)
    form.document.choices = _documents(application)
    form.file.errors = [_("The file is larger than the limit of %(size)s.",
                          size=storage.human_size(current_app.config["UPLOAD_MAX_BYTES"]))]
    return _render(application, form, 413)


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    attachment = attachments.attachment_for(current_user, attachment_id)
    response = send_file(attachments.file_path(attachment), mimetype=attachment.content_type, as_attachment=True,
                         download_name=storage.download_name(attachment.original_name, attachment.content_type), max_age=0, conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment(attachment_id: int):
    application_id = attachments.attachment_for(current_user, attachment_id).application_id
    application = get_application_to_edit(current_user, application_id)
    removed = attachments.delete(application, attachment_id)
    commit()
    flash(_("%(name)s was deleted.", name=removed.original_name), "success")
    return redirect(url_for("submission.attachments", application_id=application_id))
