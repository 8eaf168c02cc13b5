"""Public pages: the list of open calls, a call's public page, the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from grants import clock
from grants.access import load_or_404, requires
from grants.awards.queries.results import decided_calls, public_results
from grants.calls.queries import public_call, public_calls
from grants.extensions import db
from grants.public.presenters import results_csv
from grants.security import safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
@requires("public")
def index():
    now = clock.now()
    open_calls, upcoming = public_calls(now)
    decided = decided_calls(request.args.get("page", 1, type=int))
    return render_template(
        "public/index.html", open_calls=open_calls, upcoming=upcoming, decided=decided, now=now
    )


@bp.get("/calls/<reference>")
@requires("public")
def call(reference: str):
    found = load_or_404(public_call(reference))
    return render_template(
        "public/call.html", call=found, now=clock.now(), results=public_results(found)
    )


@bp.get("/calls/<reference>/results")
@requires("public")
def results(reference: str):
    """The grants the call awarded, once its decisions are final (404 before: nothing to show)."""
    found = load_or_404(public_call(reference))
    published = load_or_404(public_results(found))
    return render_template("public/results.html", call=found, results=published)


@bp.get("/calls/<reference>/results.csv")
@requires("public")
def results_csv_file(reference: str):
    """The same published grants as open data (CSV); 404 before the decisions are final."""
    found = load_or_404(public_call(reference))
    published = load_or_404(public_results(found))
    name = secure_filename(found.reference) or "call"
    return Response(
        results_csv(found, published),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}-results.csv"',
            "Cache-Control": "no-cache",
        },
    )


@bp.post("/language")
@requires("public")
def set_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang  # remembered for the next visit and for e-mails
    return redirect(safe_next(request.form.get("next"), url_for("public.index")))


@bp.get("/health")
@requires("public")
def health():
    """For load balancers and monitoring: the app answers and reaches its database (503 otherwise,
    by the database error handler). Also the trivial route the load benchmarks compare pages
    with."""
    db.session.execute(select(1))
    return {"status": "ok"}
