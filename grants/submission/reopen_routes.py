"""Reopening a submitted application (on the submission blueprint): a confirmation page, then a POST."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from grants import clock
from grants.extensions import db
from grants.i18n import local_time
from grants.jobs import commit
from grants.submission import reopen as service
from grants.submission import services
from grants.submission.routes import bp, lead_application
from grants.submission.versions import submission_state


@bp.app_template_global("submission_state")
def _submission_state(application, stage) -> str | None:
    """'reopened', 'lapsed' (reopened and not submitted again before the deadline) or None, for the pages."""
    state = submission_state(application, stage, clock.now())
    return state.value if state else None


@bp.route("/applications/<int:application_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(application_id: int):
    """GET explains what reopening means; POST reopens (once, however often it is clicked)."""
    application = lead_application(application_id)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            stage = service.reopen(application)
        except service.ReopenRefused as refused:
            db.session.rollback()
            flash(refused.message, "info" if refused.refusal is service.Refusal.already_reopened else "error")
            return redirect(url_for("applications.show", application_id=application_id))
        commit()
        deadline = application.call.submission_deadline(stage.stage)
        flash(_("The application is reopened: correct it, then submit it again before %(deadline)s, or it will not "
                "count. Your partners have been told.",
                deadline=local_time(deadline, application.call.timezone)), "warning")
        return redirect(url_for("applications.show", application_id=application_id))
    stage = services.stage_of(application)
    refusal = service.refusal(application)
    return render_template("submission/reopen.html", application=application, call=application.call, stage=stage,
                           form=form, refusal=service.MESSAGES[refusal] if refusal else None,
                           deadline=application.call.submission_deadline(stage.stage)), 400 if form.is_submitted() else 200

