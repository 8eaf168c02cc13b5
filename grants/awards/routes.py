"""Staff pages for the ranking, the award decisions, a restricted call's shortlist and invitations;
the applicants' decisions and letters."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from grants import clock
from grants.access import load_or_404, requires
from grants.awards.access import (
    call_or_404,
    decision_letter_or_404,
    decision_stage_or_404,
    lot_or_404,
    restricted_call_or_404,
    shortlist_stage_or_404,
)
from grants.awards.forms import ComputeForm, OverrideForm, PromoteForm, ShortlistForm
from grants.awards.queries import invitations as invitation_plan
from grants.awards.queries.decisions import next_reserve, organisation_decisions, summary
from grants.awards.queries.letters import final_letter, one_letter
from grants.awards.queries.overview import requested, waiting_reason
from grants.awards.queries.ranking_page import ranking_page, tab_of, table_key
from grants.awards.services import invitations
from grants.awards.services.decisions import override, override_shortlist, promote_reserve
from grants.awards.services.finalise import finalise
from grants.awards.services.ranking import rank_call
from grants.i18n import issue_text, money
from grants.letters.documents import stored_letter
from grants.letters.queries import render_pdf
from grants.letters.services import Delivery
from grants.models import Stage, StageStatus
from grants.unit_of_work import refusals
from reports.letters import Letter

bp = Blueprint("awards", __name__)


def _pdf(letter: Letter, as_attachment: bool, final: bool = True):
    """The letter as a PDF in the reader's language: a final one as stored (rendered once per
    language, grants.letters.documents), a draft rendered now."""
    locale = str(get_locale())
    data = stored_letter(letter, locale) if final else render_pdf(letter, locale)
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=as_attachment,
        download_name=letter.file_name,
    )


def _answered(form: FlaskForm) -> int:
    """The status of a form page shown again: 400 when it was sent (and refused), else 200."""
    return 400 if form.is_submitted() else 200


@bp.get("/staff/calls/<int:call_id>/ranking")
@requires("staff")
def ranking(call_id: int):
    call = call_or_404(call_id, criteria=False)  # the scores shown are stored
    return render_template(
        "awards/ranking.html",
        call=call,
        view=ranking_page(call, request.args),
        form=ComputeForm(),
        waiting_reason=waiting_reason,
    )


@bp.post("/staff/calls/<int:call_id>/ranking/compute")
@requires("staff")
def compute(call_id: int):
    call = call_or_404(call_id)
    form = ComputeForm()  # its CSRF token is checked for every POST by CSRFProtect
    with refusals() as outcome:
        rank_call(call.id, current_user.id, discard_overrides=form.discard_overrides.data)
    if outcome.ok:
        flash(_("The ranking and the proposed decisions were computed."), "success")
    return redirect(url_for(".ranking", call_id=call_id))


@bp.route("/staff/calls/<int:call_id>/ranking/<int:stage_id>/override", methods=["GET", "POST"])
@requires("staff")
def override_decision(call_id: int, stage_id: int):
    call = call_or_404(call_id)
    stage = decision_stage_or_404(call, stage_id)
    form = OverrideForm(outcome=stage.status.value, amount=stage.awarded_amount)
    form.below_minimum.label.text = _(
        "I confirm an award below the call's minimum grant of %(minimum)s",
        minimum=money(call.grant_min, call.currency),
    )
    if form.validate_on_submit():
        with refusals(form) as outcome:
            override(
                call.id,
                stage.id,
                StageStatus(form.outcome.data),
                form.amount.data,
                form.justification.data,
                current_user.id,
                below_minimum=form.below_minimum.data,
            )
        if outcome.ok:
            flash(
                _(
                    "The decision on %(reference)s was changed.",
                    reference=stage.application.reference,
                ),
                "success",
            )
            return redirect(url_for(".ranking", call_id=call_id, table=tab_of(call, stage)))
    return render_template(
        "awards/override.html", call=call, stage=stage, requested=requested(stage), form=form
    ), _answered(form)


def _lot_id(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@bp.route("/staff/calls/<int:call_id>/ranking/promote", methods=["GET", "POST"])
@requires("staff")
def promote(call_id: int):
    call = call_or_404(call_id)
    form = PromoteForm(lot=request.args.get("lot", ""))
    lot_id = _lot_id(form.lot.data)
    lot = lot_or_404(call, lot_id)
    if form.validate_on_submit():
        with refusals(form) as outcome:
            promote_reserve(call.id, lot_id, form.justification.data, current_user.id)
        if outcome.ok:
            flash(_("The first reserve application that fits was awarded."), "success")
            return redirect(
                url_for(".ranking", call_id=call_id, table=table_key(Stage.full_application, lot))
            )
    return render_template(
        "awards/promote.html",
        call=call,
        lot=lot,
        promotion=next_reserve(call, lot_id),
        form=form,
        requested=requested,
    ), _answered(form)


@bp.route("/staff/calls/<int:call_id>/finalise", methods=["GET", "POST"])
@requires("staff")
def finalise_call(call_id: int):
    call = call_or_404(call_id)
    form = FlaskForm()
    if form.validate_on_submit():
        with refusals(form) as outcome:
            delivery = finalise(call.id, current_user.id)
        if outcome.ok:
            flash(
                _("The decisions of call %(reference)s are final.", reference=call.reference)
                + " "
                + told_text(delivery),
                "success" if not delivery.not_told else "warning",
            )
            return redirect(url_for("letters.index", call_id=call_id))
    return render_template(
        "awards/finalise.html", call=call, summary=summary(call), form=form
    ), _answered(form)


def told_text(delivery: Delivery) -> str:
    """How many applicants were told by e-mail, and how many letters are left to send another way:
    exact counts."""
    told, left = len(delivery.told), len(delivery.not_told)
    text = (
        ngettext(
            "%(num)d applicant was told by e-mail.", "%(num)d applicants were told by e-mail.", told
        )
        if told
        else _("Nobody was told by e-mail.")
    )
    if left:
        text += " " + ngettext(
            "%(num)d letter is to be sent by post or registered e-mail: its applicant has no "
            "verified member "
            "who can receive e-mail (listed below).",
            "%(num)d letters are to be sent by post or registered e-mail: their applicants have no "
            "verified "
            "member who can receive e-mail (listed below).",
            left,
        )
    return text


@bp.get("/staff/calls/<int:call_id>/letters/<int:application_id>.pdf")
@requires("staff")
def letter_preview(call_id: int, application_id: int):
    """The application's decision letter: as issued once the call is final, else as it would be
    now."""
    call = call_or_404(call_id)
    letter = (
        final_letter(call, application_id)
        if call.finalised_at
        else one_letter(call, application_id, clock.now(), draft=True)
    )
    return _pdf(load_or_404(letter), as_attachment=False, final=call.finalised_at is not None)


@bp.get("/decisions")
@requires("applicant_role")
def my_decisions():
    acting = current_user.acts_for_organisation
    rows = organisation_decisions(current_user.organisation_id) if acting else []
    return render_template("awards/decisions.html", rows=rows, acting=acting)


@bp.get("/decisions/<int:application_id>/letter.pdf")
@requires("lead_decision")
def letter(application_id: int):
    return _pdf(decision_letter_or_404(current_user, application_id), as_attachment=True)


# A restricted call after the concept-note ranking: shortlist changes and the invitations to submit
# a full
# application
# ------------------------------------------------------------------------------------------


@bp.route("/staff/calls/<int:call_id>/invitations", methods=["GET", "POST"])
@requires("staff")
def invite(call_id: int):
    call = restricted_call_or_404(call_id)
    form = FlaskForm()
    if form.validate_on_submit():
        with refusals(form) as outcome:
            invited = invitations.invite(call.id, current_user.id)
        if outcome.ok:
            if invited:
                flash(
                    ngettext(
                        "%(num)d lead applicant was invited to submit a full application.",
                        "%(num)d lead applicants were invited to submit a full application.",
                        len(invited),
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "Every shortlisted applicant had been invited already: nobody was invited "
                        "again."
                    ),
                    "info",
                )
            return redirect(url_for(".ranking", call_id=call_id))
    refusal = invitation_plan.refusal(call, clock.now())
    return render_template(
        "awards/invitations.html",
        call=call,
        plan=invitation_plan.invitations(call),
        form=form,
        refusal=issue_text(refusal.issues[0]) if refusal and not form.form_errors else None,
    ), _answered(form)


@bp.route("/staff/calls/<int:call_id>/shortlist/<int:stage_id>", methods=["GET", "POST"])
@requires("staff")
def change_shortlist(call_id: int, stage_id: int):
    call = restricted_call_or_404(call_id)
    stage = shortlist_stage_or_404(call, stage_id)
    form = ShortlistForm()
    if form.validate_on_submit():
        with refusals(form) as outcome:
            override_shortlist(call.id, stage.id, form.justification.data, current_user.id)
        if outcome.ok:
            flash(
                _(
                    "The shortlist decision on %(reference)s was changed.",
                    reference=stage.application.reference,
                ),
                "success",
            )
            return redirect(url_for(".ranking", call_id=call_id, table=tab_of(call, stage)))
    return render_template(
        "awards/shortlist.html",
        call=call,
        stage=stage,
        form=form,
        sent=invitation_plan.invitations_sent(call.id),
    ), _answered(form)
