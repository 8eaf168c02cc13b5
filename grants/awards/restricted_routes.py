"""Staff pages of a restricted call after the concept-note ranking: shortlist changes and the invitations
to submit a full application."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from grants.auth.loaders import role_required
from grants.awards import invitations as service
from grants.awards.decisions import override_shortlist, shortlist_stage
from grants.awards.errors import RankingError
from grants.awards.forms import ShortlistForm
from grants.awards.overview import load_call
from grants.calls.fields import issue_text
from grants.extensions import db
from grants.i18n import local_time
from grants.jobs import commit
from grants.models import Call, Procedure
from grants.rules.problems import Issue

bp = Blueprint("restricted", __name__)


def _restricted_call(call_id: int) -> Call:
    call = load_call(call_id)
    if call is None or call.procedure is not Procedure.restricted:
        abort(404)
    return call


def _text(error: RankingError, call: Call) -> str:
    """The refusal in the reader's language, times in the call's zone."""
    params = {k: local_time(v, call.timezone) if isinstance(v, datetime) else v for k, v in error.params.items()}
    return issue_text(Issue("", error.message, params))


def _refused(error: RankingError, call: Call, form: FlaskForm) -> None:
    """Undo what the refused use case wrote, and tell the user why on the form."""
    db.session.rollback()
    form.form_errors.append(_text(error, call))


@bp.route("/staff/calls/<int:call_id>/invitations", methods=["GET", "POST"])
@role_required("staff")
def invite(call_id: int):
    call = _restricted_call(call_id)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            invited = service.invite(call.id, current_user.id)
        except RankingError as error:
            _refused(error, call, form)
        else:
            commit()
            if invited:
                flash(ngettext("%(num)d lead applicant was invited to submit a full application.",
                               "%(num)d lead applicants were invited to submit a full application.",
                               len(invited)), "success")
            else:
                flash(_("Every shortlisted applicant had been invited already: nobody was invited again."), "info")
            return redirect(url_for("awards.ranking", call_id=call_id))
    refusal = service.refusal(call, service.now())
    return render_template("awards/invitations.html", call=call, plan=service.invitations(call), form=form,
                           refusal=_text(refusal, call) if refusal and not form.form_errors else None), \
        400 if form.is_submitted() else 200


@bp.route("/staff/calls/<int:call_id>/shortlist/<int:stage_id>", methods=["GET", "POST"])
@role_required("staff")
def change_shortlist(call_id: int, stage_id: int):
    call = _restricted_call(call_id)
    stage = shortlist_stage(call.id, stage_id)
    if stage is None:
        abort(404)
    form = ShortlistForm()
    if form.validate_on_submit():
        try:
            override_shortlist(call.id, stage.id, form.justification.data, current_user.id)
        except RankingError as error:
            _refused(error, call, form)
        else:
            reference = stage.application.reference
            commit()
            flash(_("The shortlist decision on %(reference)s was changed.", reference=reference), "success")
            return redirect(url_for("awards.ranking", call_id=call_id))
    return render_template("awards/shortlist.html", call=call, stage=stage, form=form,
                           sent=service.invitations_sent(call.id)), 400 if form.is_submitted() else 200
