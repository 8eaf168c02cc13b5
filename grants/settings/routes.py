"""Staff page for the letter settings: the authority's name, address and logo, the signatory,
complaints."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.access import requires
from grants.settings import queries, services
from grants.settings.forms import LetterSettingsForm
from grants.unit_of_work import refusals

bp = Blueprint("settings", __name__, url_prefix="/staff/settings")


@bp.route("/letters", methods=["GET", "POST"])
@requires("staff")
def letters():
    row = queries.authority()
    form = LetterSettingsForm(obj=row) if request.method == "GET" else LetterSettingsForm()
    if form.validate_on_submit():
        with refusals(form) as outcome:  # a logo too large, or not an image
            logo = services.read_logo(form.logo.data) if form.logo.data else None
            services.save(
                {name: form[name].data for name in form.TEXT_FIELDS},
                logo,
                form.remove_logo.data,
                current_user.id,
            )
        if outcome.ok:
            flash(
                _(
                    "The letter settings were saved. Letters issued from now on use them; letters "
                    "already "
                    "issued keep what they said."
                ),
                "success",
            )
            return redirect(url_for(".letters"))
    row = queries.authority()
    return render_template(
        "settings/letters.html",
        form=form,
        row=row,
        missing=queries.missing(row),
        limit=services.logo_limit(),
    ), 400 if form.is_submitted() else 200


@bp.get("/letters/logo")
@requires("staff")
def logo():
    row = queries.authority()
    data = queries.logo_bytes(row.logo_file if row else None)
    if data is None:
        abort(404)
    return send_file(io.BytesIO(data), mimetype=row.logo_type, max_age=0)
