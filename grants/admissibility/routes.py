"""Staff pages of the admissibility and eligibility check: the call's list, one application's checklist."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from grants.admissibility import services
from grants.admissibility.forms import DecisionForm
from grants.auth.loaders import role_required
from grants.extensions import db
from grants.jobs import commit
from grants.models import StageStatus
from grants.rules.transitions import InvalidTransition

bp = Blueprint("admissibility", __name__, url_prefix="/staff/calls/<int:call_id>/admissibility")


@bp.get("")
@role_required("staff")
def index(call_id: int):
    call = services.load_call(call_id)
    if call is None:
        abort(404)
    rows, page, pages = services.stage_page(call, request.args.get("page", 1, type=int))
    return render_template("admissibility/index.html", call=call, rows=rows, page=page, pages=pages)


def _initial(stage) -> dict:
    """The form as last decided: an admissible stage had every manual check ticked."""
    if stage.status is StageStatus.submitted:
        return {}
    data = {"decision": stage.status.value}
    if stage.status is StageStatus.admissible:
        data |= {f"manual_{item.key}": True for item in services.MANUAL_CHECKS}
    return data


@bp.route("/<int:stage_id>", methods=["GET", "POST"])
@role_required("staff")
def check(call_id: int, stage_id: int):
    stage = services.load_stage(call_id, stage_id)
    if stage is None:
        abort(404)
    form = DecisionForm(data=None if request.method == "POST" else _initial(stage))
    if form.validate_on_submit():
        try:
            services.decide(stage, form.decision.data, form.ticked(), form.further_reasons.data)
        except services.DecisionRefused as refused:
            db.session.rollback()
            form[refused.field].errors.append(refused.message)
        except InvalidTransition:
            db.session.rollback()
            form.form_errors.append(_("This application cannot take that decision."))
        else:
            commit()
            flash(_("The check of %(reference)s was recorded and the lead applicant was told.",
                    reference=stage.application.reference), "success")
            return redirect(url_for(".index", call_id=call_id))
    return render_template("admissibility/check.html", call=stage.application.call, stage=stage, form=form,
                           automatic=services.automatic_checks(stage), locked=services.locked_reason(stage),
                           manual=services.MANUAL_CHECKS), 400 if form.is_submitted() else 200
