"""Staff pages for reports and exports: request one per call, follow its progress, download or retry it."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from grants.auth.loaders import role_required
from grants.calls.fields import issue_text
from grants.exports.forms import LanguageForm, RequestForm
from grants.exports.jobs import export_dir, request_export, retry, stored_file
from grants.exports.kinds import KINDS, ExportError, Kind
from grants.exports.services import get_job, requests
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.jobs import commit
from grants.models import Call, JobStatus

bp = Blueprint("exports", __name__)
STATUS_LABELS = {JobStatus.queued: _l("Waiting"), JobStatus.running: _l("Running"), JobStatus.finished: _l("Done"),
                 JobStatus.failed: _l("Failed")}


def staff_or_404(view):
    """Files are for staff only: anyone else, signed in or not, is told there is nothing here."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not (current_user.is_authenticated and current_user.has_role("staff")):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.app_template_filter("export_status")
def export_status(status: JobStatus) -> str:
    return str(STATUS_LABELS.get(status, status.value))


def _call(call_id: int) -> Call:
    call = db.session.get(Call, call_id)
    if call is None:
        abort(404)
    return call


def _form(kind: Kind, **kw) -> RequestForm:
    if kind.choose_language:
        return LanguageForm(prefix=kind.name, **kw)
    return RequestForm(**kw)


def _page(call: Call, forms: dict | None = None, status: int = 200):
    forms = forms or {name: _form(kind, formdata=None, language=str(get_locale())) for name, kind in KINDS.items()}
    return render_template("exports/call.html", call=call, kinds=KINDS, forms=forms, rows=requests(call.id),
                           final=call.finalised_at is not None), status


@bp.get("/staff/calls/<int:call_id>/exports")
@role_required("staff")
def call_exports(call_id: int):
    return _page(_call(call_id))


@bp.post("/staff/calls/<int:call_id>/exports/<kind_name>")
@role_required("staff")
def request_kind(call_id: int, kind_name: str):
    call, kind = _call(call_id), KINDS.get(kind_name)
    if kind is None or not kind.available:
        abort(404)
    form = _form(kind)
    valid = form.validate_on_submit()
    if valid and kind.final_only and call.finalised_at is None:
        form.form_errors.append(_("%(kind)s can be requested once the decisions of the call are final.",
                                  kind=kind.label))
    if not valid or form.form_errors:
        forms = {name: form if name == kind.name else _form(other, formdata=None, language=str(get_locale()))
                 for name, other in KINDS.items()}
        return _page(call, forms, 400)
    locale = form.language.data if kind.choose_language else str(get_locale())
    request_export(call.id, kind.name, locale, current_user.id)
    if commit():
        flash(_("%(kind)s was requested. It is listed below with its progress.", kind=kind.label), "success")
    else:
        flash(_("%(kind)s was requested, but the job queue cannot be reached right now. Your request is kept "
                "and starts by itself as soon as the queue is back.", kind=kind.label), "warning")
    return redirect(url_for(".call_exports", call_id=call.id, _anchor="downloads"))


@bp.get("/staff/exports")
@role_required("staff")
def index():
    return render_template("exports/index.html", rows=requests())


@bp.get("/staff/exports/list")
@role_required("staff")
def jobs_fragment():
    """The list of requests alone, polled by htmx while any is waiting or running (286 stops the polling)."""
    call_id = request.args.get("call_id", type=int)
    rows = requests(call_id)
    html = render_template("exports/_jobs.html", rows=rows, call_id=call_id, polling=True)
    return html, 200 if any(r.pending for r in rows) else 286


@bp.post("/staff/exports/<int:job_id>/retry")
@role_required("staff")
def retry_job(job_id: int):
    job = get_job(job_id)
    if job is None:
        abort(404)
    try:
        retry(job, current_user.id)
    except ExportError as error:
        db.session.rollback()
        flash(issue_text(error), "error")
    else:
        if commit():
            flash(_("The export is being made again."), "success")
        else:
            flash(_("The job queue cannot be reached right now: the export starts again by itself as soon as "
                    "it is back."), "warning")
    target = url_for(".call_exports", call_id=job.call_id) if job.call_id else url_for(".index")
    return redirect(target + "#downloads")


@bp.get("/staff/exports/<int:job_id>/download")
@staff_or_404
def download(job_id: int):
    job = get_job(job_id)
    if job is None or stored_file(job) is None:
        abort(404)
    return send_from_directory(export_dir(), job.file_path, as_attachment=True, download_name=job.file_name)
