"""Staff pages of the admissibility and eligibility check: the call's list, one application's
checklist."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from grants.access import load_or_404, requires
from grants.admissibility import presenters, queries, services
from grants.admissibility.forms import DecisionForm
from grants.letters import queries as letter_queries
from grants.letters import services as letter_services
from grants.letters.forms import PostedForm
from grants.models import LetterKind, StageStatus
from grants.unit_of_work import refusals

bp = Blueprint("admissibility", __name__, url_prefix="/staff/calls/<int:call_id>/admissibility")


@bp.get("")
@requires("staff")
def index(call_id: int):
    call = load_or_404(queries.load_call(call_id))
    rows, page, pages = queries.stage_page(call, request.args.get("page", 1, type=int))
    return render_template(
        "admissibility/index.html",
        call=call,
        rows=rows,
        page=page,
        pages=pages,
        to_post=letter_queries.to_post(call.id, LetterKind.admissibility),
        letter_of=letter_queries.letter_of,
        form=PostedForm(),
    )


def _initial(stage) -> dict:
    """The form as last decided: an admissible stage had every manual check ticked."""
    if stage.status is StageStatus.submitted:
        return {}
    data = {"decision": stage.status.value}
    if stage.status is StageStatus.admissible:
        data |= {f"manual_{item.key}": True for item in presenters.MANUAL_CHECKS}
    return data


@bp.route("/<int:stage_id>", methods=["GET", "POST"])
@requires("staff")
def check(call_id: int, stage_id: int):
    stage = load_or_404(queries.load_stage(call_id, stage_id))
    form = DecisionForm(data=None if request.method == "POST" else _initial(stage))
    if form.validate_on_submit():
        with refusals(form) as outcome:
            delivery = services.decide(
                stage, form.decision.data, form.ticked(), form.further_reasons.data, current_user.id
            )
        if outcome.ok:
            _flash_told(stage.application, delivery)
            return redirect(url_for(".index", call_id=call_id))
    return render_template(
        "admissibility/check.html",
        call=stage.application.call,
        stage=stage,
        form=form,
        automatic=presenters.automatic_checks(stage),
        locked=presenters.locked_reason(stage),
        no_letter=presenters.settings_refusal(),
        manual=presenters.MANUAL_CHECKS,
    ), 400 if form.is_submitted() else 200


def _flash_told(application, delivery: letter_services.Delivery) -> None:
    """Say whether the lead was told by e-mail; never that it was when nobody could receive the
    letter."""
    row = (delivery.told or delivery.not_told)[0]
    number = letter_queries.letter_of(row).number
    if delivery.told:
        flash(
            ngettext(
                "The check of %(reference)s was recorded. Letter %(number)s was e-mailed to "
                "%(num)d member "
                "of the lead applicant.",
                "The check of %(reference)s was recorded. Letter %(number)s was "
                "e-mailed to %(num)d members of the lead applicant.",
                delivery.emails,
                reference=application.reference,
                number=number,
            ),
            "success",
        )
    else:
        flash(
            _(
                "The check of %(reference)s was recorded, but nobody was told: %(lead)s has no "
                "verified member who "
                "can receive e-mail. Send letter %(number)s by post or registered e-mail (listed "
                "below).",
                reference=application.reference,
                lead=application.lead.name,
                number=number,
            ),
            "warning",
        )
