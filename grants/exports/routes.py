"""Staff pages for reports and exports: request one per call, follow its progress, download or retry
it."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from grants import files
from grants.access import load_or_404, requires
from grants.exports.access import staff_file
from grants.exports.forms import LanguageForm, RequestForm
from grants.exports.jobs import request_export, resend_waiting, retry
from grants.exports.kinds import KINDS, Kind
from grants.exports.queries import get_job, requests
from grants.extensions import db
from grants.models import Call
from grants.unit_of_work import refusals, when_queue_unreachable

bp = Blueprint("exports", __name__)


def _call(call_id: int) -> Call:
    return load_or_404(db.session.get(Call, call_id))


def _requests(call_id: int | None = None):
    """The requests as the page shows them; the queue is handed again the waiting ones it lost."""
    rows = requests(call_id)
    resend_waiting([row.job for row in rows])
    return rows


def _form(kind: Kind, **kw) -> RequestForm:
    if kind.choose_language:
        return LanguageForm(prefix=kind.name, **kw)
    return RequestForm(**kw)


def _page(call: Call, forms: dict | None = None, status: int = 200):
    forms = forms or {
        name: _form(kind, formdata=None, language=str(get_locale())) for name, kind in KINDS.items()
    }
    return render_template(
        "exports/call.html",
        call=call,
        kinds=KINDS,
        forms=forms,
        rows=_requests(call.id),
        final=call.finalised_at is not None,
    ), status


@bp.get("/staff/calls/<int:call_id>/exports")
@requires("staff")
def call_exports(call_id: int):
    return _page(_call(call_id))


@bp.post("/staff/calls/<int:call_id>/exports/<kind_name>")
@requires("staff")
def request_kind(call_id: int, kind_name: str):
    call, kind = _call(call_id), KINDS.get(kind_name)
    if kind is None or not kind.available:
        abort(404)
    form = _form(kind)
    valid = form.validate_on_submit()
    if valid and kind.final_only and call.finalised_at is None:
        form.form_errors.append(
            _(
                "%(kind)s can be requested once the decisions of the call are final.",
                kind=kind.label,
            )
        )
    if not valid or form.form_errors:
        forms = {
            name: form
            if name == kind.name
            else _form(other, formdata=None, language=str(get_locale()))
            for name, other in KINDS.items()
        }
        return _page(call, forms, 400)
    locale = form.language.data if kind.choose_language else str(get_locale())
    request_export(call.id, kind.name, locale, current_user.id)
    flash(
        _("%(kind)s was requested. It is listed below with its progress.", kind=kind.label),
        "success",
    )
    when_queue_unreachable(
        _(
            "%(kind)s was requested, but the job queue cannot be reached right now. Your request "
            "is kept and starts by itself as soon as the queue is back.",
            kind=kind.label,
        )
    )
    return redirect(url_for(".call_exports", call_id=call.id, _anchor="downloads"))


@bp.get("/staff/exports")
@requires("staff")
def index():
    return render_template("exports/index.html", rows=_requests())


@bp.get("/staff/exports/list")
@requires("staff")
def jobs_fragment():
    """The list of requests alone, polled by htmx while any is waiting or running (286 stops the
    polling)."""
    call_id = request.args.get("call_id", type=int)
    rows = _requests(call_id)
    html = render_template("exports/_jobs.html", rows=rows, call_id=call_id, polling=True)
    return html, 200 if any(r.pending for r in rows) else 286


@bp.post("/staff/exports/<int:job_id>/retry")
@requires("staff")
def retry_job(job_id: int):
    job = load_or_404(get_job(job_id))
    with refusals() as outcome:  # only a failed export (or one whose worker is lost) is made again
        retry(job, current_user.id)
    if outcome.ok:
        flash(_("The export is being made again."), "success")
        when_queue_unreachable(
            _(
                "The job queue cannot be reached right now: the export starts again by itself "
                "as soon as it is back."
            )
        )
    target = url_for(".call_exports", call_id=job.call_id) if job.call_id else url_for(".index")
    return redirect(target + "#downloads")


@bp.get("/staff/exports/<int:job_id>/download")
@requires("staff_files")
def download(job_id: int):
    job, key = staff_file(job_id)
    return files.exports().download(key, download_name=job.file_name)
