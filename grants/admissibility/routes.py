"""Staff pages of the admissibility and eligibility check: the call's list, one application's
checklist, its document requests and overrides; the lead's page to answer a document request."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from grants import storage
from grants.access import load_or_404, requires
from grants.admissibility import presenters, queries
from grants.admissibility.access import lead_request
from grants.admissibility.forms import AnswerForm, AskForm, DecisionForm, OverrideForm
from grants.admissibility.services import clarifications, decisions
from grants.letters import queries as letter_queries
from grants.letters import services as letter_services
from grants.letters.forms import PostedForm
from grants.models import LetterKind, StageStatus
from grants.unit_of_work import refusals

bp = Blueprint("admissibility", __name__)
STAFF = "/staff/calls/<int:call_id>/admissibility"


@bp.get(STAFF)
@requires("staff")
def index(call_id: int):
    call = load_or_404(queries.load_call(call_id))
    page = queries.stage_page(call, request.args.get("page", 1, type=int))
    return render_template(
        "admissibility/index.html",
        call=call,
        page=page,
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


def _ask_form(stage, posted: bool) -> AskForm:
    call = stage.application.call
    form = AskForm(
        formdata=None if not posted else request.form,
        data={"due_date": presenters.default_due(call)},
    )
    form.document.choices = [
        SelectChoice(value, label)
        for value, label in presenters.document_choices(stage.application)
    ]
    return form


def _render_check(stage, form=None, ask=None, override=None, code: int = 200):
    """The check page with its three forms; the one posted keeps what was typed."""
    return render_template(
        "admissibility/check.html",
        call=stage.application.call,
        stage=stage,
        form=form or DecisionForm(data=_initial(stage)),
        ask=ask or _ask_form(stage, posted=False),
        override=override or OverrideForm(formdata=None),
        automatic=presenters.automatic_checks(stage),
        requests=presenters.views(queries.requests_of(stage.id)),
        locked=presenters.locked_reason(stage),
        no_letter=presenters.settings_refusal(),
        manual=presenters.MANUAL_CHECKS,
    ), code


@bp.route(f"{STAFF}/<int:stage_id>", methods=["GET", "POST"])
@requires("staff")
def check(call_id: int, stage_id: int):
    stage = load_or_404(queries.load_stage(call_id, stage_id))
    form = DecisionForm(data=None if request.method == "POST" else _initial(stage))
    if form.validate_on_submit():
        with refusals(form) as outcome:
            delivery = decisions.decide(
                stage, form.decision.data, form.ticked(), form.further_reasons.data, current_user.id
            )
        if outcome.ok:
            _flash_told(stage.application, delivery)
            return redirect(url_for(".index", call_id=call_id))
    return _render_check(stage, form=form, code=400 if form.is_submitted() else 200)


@bp.post(f"{STAFF}/<int:stage_id>/requests")
@requires("staff")
def ask(call_id: int, stage_id: int):
    stage = load_or_404(queries.load_stage(call_id, stage_id))
    form = _ask_form(stage, posted=True)
    if form.validate():
        with refusals(form) as outcome:
            clarifications.ask(
                stage,
                form.document.data,
                form.other.data or "",
                form.message.data,
                form.due_date.data,
                current_user.id,
            )
        if outcome.ok:
            flash(
                _(
                    "The request was sent: the lead's members were told by e-mail. Decide the "
                    "check once they answer or the deadline passes."
                ),
                "success",
            )
            return redirect(url_for(".check", call_id=call_id, stage_id=stage_id) + "#requests")
    return _render_check(stage, ask=form, code=400)


@bp.post(f"{STAFF}/<int:stage_id>/overrides")
@requires("staff")
def override(call_id: int, stage_id: int):
    stage = load_or_404(queries.load_stage(call_id, stage_id))
    form = OverrideForm()
    if form.validate():
        with refusals(form) as outcome:
            row = clarifications.override(
                stage,
                form.check.data,
                form.outcome.data == "met",
                form.reason.data,
                current_user.id,
            )
        if outcome.ok:
            flash(
                _("The override was recorded.")
                if row
                else _("The override was removed: the automatic result applies again."),
                "success",
            )
            return redirect(url_for(".check", call_id=call_id, stage_id=stage_id) + "#automatic")
    return _render_check(stage, override=form, code=400)


@bp.route(
    "/applications/<int:application_id>/document-requests/<int:request_id>",
    methods=["GET", "POST"],
)
@requires("lead")
def answer(application_id: int, request_id: int):
    document_request = lead_request(current_user, application_id, request_id)
    form = AnswerForm()
    if form.validate_on_submit():
        with refusals(form) as outcome:
            attachment = clarifications.answer(document_request, form.file.data, current_user)
        if outcome.ok:
            flash(
                _(
                    "%(name)s was uploaded: the programme staff will take it into account in the "
                    "check.",
                    name=attachment.original_name,
                ),
                "success",
            )
            return redirect(url_for("applications.show", application_id=application_id))
    return _render_answer(document_request, form, 400 if form.is_submitted() else 200)


def _render_answer(document_request, form: AnswerForm, code: int):
    view = presenters.views([document_request])[0]
    return render_template(
        "admissibility/answer.html",
        application=document_request.stage.application,
        view=view,
        form=form,
        limit=storage.human_size(current_app.config["UPLOAD_MAX_BYTES"]),
    ), code


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
