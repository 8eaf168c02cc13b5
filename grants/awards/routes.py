"""Staff pages for the ranking and award decisions; the applicants' decisions and letters."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from grants.auth.loaders import role_required
from grants.awards.decisions import decision_stage, next_reserve, override, promote_reserve, requested
from grants.awards.errors import DecisionRefused, RankingError
from grants.awards.finalise import applicant_letter, final_letter, finalise, organisation_decisions, summary
from grants.awards.forms import ComputeForm, OverrideForm, PromoteForm
from grants.awards.letters import one_letter
from grants.awards.overview import load_call, waiting_reason
from grants.awards.ranking_page import ranking_page
from grants.awards.services import rank_call
from grants.calls.fields import issue_text
from grants.extensions import db
from grants.i18n import money
from grants.jobs import commit
from grants.letters.register import Delivery, render_pdf
from grants.models import Call, StageStatus
from grants.models.base import now_utc
from reports.letters import Letter

bp = Blueprint("awards", __name__)


def _call(call_id: int) -> Call:
    call = load_call(call_id)
    if call is None:
        abort(404)
    return call


def _refused(error: RankingError, form: FlaskForm | None = None) -> None:
    """Undo what the refused use case wrote, and tell the user why (on the field it names, on the form, or as
    a message)."""
    db.session.rollback()
    field = getattr(form, getattr(error, "field", ""), None) if form is not None else None
    if field is not None:
        field.errors = [*field.errors, issue_text(error)]
    elif form is None:
        flash(issue_text(error), "error")
    else:
        form.form_errors.append(issue_text(error))


def _pdf(letter: Letter, as_attachment: bool):
    data = render_pdf(letter, str(get_locale()))
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=as_attachment,
                     download_name=letter.file_name)


@bp.get("/staff/calls/<int:call_id>/ranking")
@role_required("staff")
def ranking(call_id: int):
    call = _call(call_id)
    return render_template("awards/ranking.html", call=call, view=ranking_page(call, request.args),
                           form=ComputeForm(), waiting_reason=waiting_reason)


@bp.post("/staff/calls/<int:call_id>/ranking/compute")
@role_required("staff")
def compute(call_id: int):
    call = _call(call_id)
    form = ComputeForm()  # its CSRF token is checked for every POST by CSRFProtect
    try:
        rank_call(call.id, current_user.id, discard_overrides=form.discard_overrides.data)
    except RankingError as error:
        _refused(error)
    else:
        commit()
        flash(_("The ranking and the proposed decisions were computed."), "success")
    return redirect(url_for(".ranking", call_id=call_id))


@bp.route("/staff/calls/<int:call_id>/ranking/<int:stage_id>/override", methods=["GET", "POST"])
@role_required("staff")
def override_decision(call_id: int, stage_id: int):
    call = _call(call_id)
    stage = decision_stage(call.id, stage_id)
    if stage is None:
        abort(404)
    form = OverrideForm(outcome=stage.status.value, amount=stage.awarded_amount)
    form.below_minimum.label.text = _("I confirm an award below the call's minimum grant of %(minimum)s",
                                      minimum=money(call.grant_min, call.currency))
    if form.validate_on_submit():
        try:
            override(call.id, stage.id, StageStatus(form.outcome.data), form.amount.data, form.justification.data,
                     current_user.id, below_minimum=form.below_minimum.data)
        except RankingError as error:
            _refused(error, form)
        else:
            reference = stage.application.reference
            commit()
            flash(_("The decision on %(reference)s was changed.", reference=reference), "success")
            return redirect(url_for(".ranking", call_id=call_id))
    return render_template("awards/override.html", call=call, stage=stage, requested=requested(stage),
                           form=form), 400 if form.is_submitted() else 200


def _lot_id(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@bp.route("/staff/calls/<int:call_id>/ranking/promote", methods=["GET", "POST"])
@role_required("staff")
def promote(call_id: int):
    call = _call(call_id)
    form = PromoteForm(lot=request.args.get("lot", ""))
    lot_id = _lot_id(form.lot.data)
    if form.validate_on_submit():
        try:
            promote_reserve(call.id, lot_id, form.justification.data, current_user.id)
        except RankingError as error:
            _refused(error, form)
        else:
            commit()
            flash(_("The first reserve application that fits was awarded."), "success")
            return redirect(url_for(".ranking", call_id=call_id))
    try:
        promotion = next_reserve(call, lot_id)
    except DecisionRefused:
        abort(404)  # not one of the call's lots
    lot = next((lot for lot in call.lots if lot.id == lot_id), None)
    return render_template("awards/promote.html", call=call, lot=lot, promotion=promotion, form=form,
                           requested=requested), 400 if form.is_submitted() else 200


@bp.route("/staff/calls/<int:call_id>/finalise", methods=["GET", "POST"])
@role_required("staff")
def finalise_call(call_id: int):
    call = _call(call_id)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            delivery = finalise(call.id, current_user.id)
        except RankingError as error:
            _refused(error, form)
        else:
            commit()
            flash(_("The decisions of call %(reference)s are final.", reference=call.reference) + " "
                  + told_text(delivery), "success" if not delivery.not_told else "warning")
            return redirect(url_for("letters.index", call_id=call_id))
    return render_template("awards/finalise.html", call=call, summary=summary(call), form=form), \
        400 if form.is_submitted() else 200


def told_text(delivery: Delivery) -> str:
    """How many applicants were told by e-mail, and how many letters are left to send another way: exact counts."""
    told, left = len(delivery.told), len(delivery.not_told)
    text = (ngettext("%(num)d applicant was told by e-mail.", "%(num)d applicants were told by e-mail.", told)
            if told else _("Nobody was told by e-mail."))
    if left:
        text += " " + ngettext(
            "%(num)d letter is to be sent by post or registered e-mail: its applicant has no verified member "
            "who can receive e-mail (listed below).",
            "%(num)d letters are to be sent by post or registered e-mail: their applicants have no verified "
            "member who can receive e-mail (listed below).", left)
    return text


@bp.get("/staff/calls/<int:call_id>/letters/<int:application_id>.pdf")
@role_required("staff")
def letter_preview(call_id: int, application_id: int):
    """The application's decision letter: as issued once the call is final, else as it would be now."""
    call = _call(call_id)
    letter = (final_letter(call, application_id) if call.finalised_at
              else one_letter(call, application_id, now_utc(), draft=True))
    if letter is None:
        abort(404)
    return _pdf(letter, as_attachment=False)


@bp.get("/decisions")
@role_required("applicant")
def my_decisions():
    acting = current_user.acts_for_organisation
    rows = organisation_decisions(current_user.organisation_id) if acting else []
    return render_template("awards/decisions.html", rows=rows, acting=acting)


@bp.get("/decisions/<int:application_id>/letter.pdf")
@role_required("applicant")
def letter(application_id: int):
    letter = applicant_letter(current_user, application_id)
    if letter is None:
        abort(404)
    return _pdf(letter, as_attachment=True)
