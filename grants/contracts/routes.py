"""The contract pages (docs/domain.md 7): staff prepare a call's contracts and list every grant;
the grant's page for staff and the beneficiaries' members; staff fill in the bank account and send
the contract; the lead accepts it or uploads it signed; staff countersign."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user

from grants import clock, files
from grants.access import load_or_404, requires
from grants.contracts import queries, services
from grants.contracts.access import (
    grant_or_404,
    is_lead_member,
    lead_grant_or_404,
    staff_grant_or_404,
)
from grants.contracts.forms import (
    AcceptForm,
    AccountForm,
    DraftBudget,
    GrantFilterForm,
    UploadSignedForm,
    Versioned,
    with_lines,
)
from grants.contracts.presenters import actions
from grants.extensions import db
from grants.i18n import gettext as _
from grants.models import Call, Grant
from grants.rules.grant_status import GrantStatus
from grants.unit_of_work import refusals

bp = Blueprint("contracts", __name__)


# Staff: a call's contracts, every grant --------------------------------------------------------


@bp.get("/staff/calls/<int:call_id>/contracts")
@requires("staff")
def call_contracts(call_id: int):
    call = load_or_404(db.session.get(Call, call_id))
    return render_template("contracts/call.html", call=call, awards=queries.awards(call))


@bp.post("/staff/calls/<int:call_id>/applications/<int:application_id>/contract")
@requires("staff")
def prepare(call_id: int, application_id: int):
    call = load_or_404(db.session.get(Call, call_id))
    application = load_or_404(queries.awarded_application(call, application_id))
    with refusals() as outcome:
        grant = services.prepare(application, current_user.id, clock.now())
    if not outcome.ok:
        return redirect(url_for(".call_contracts", call_id=call.id))
    flash(_("Contract %(number)s was prepared as a draft.", number=grant.number), "success")
    return redirect(url_for(".edit", grant_id=grant.id))


@bp.get("/staff/grants")
@requires("staff")
def index():
    form = GrantFilterForm(request.args)
    calls = queries.calls_with_grants()
    form.call.choices = [("", _("All calls"))] + [(str(c.id), c.reference) for c in calls]
    call_id = int(form.call.data) if (form.call.data or "").isdigit() else None
    status = GrantStatus(form.status.data) if form.status.data in GrantStatus.__members__ else None
    page = request.args.get("page", 1, type=int)
    return render_template(
        "contracts/index.html",
        form=form,
        page=queries.grants_page(call_id, status, page),
        args={"call": call_id or "", "status": status.value if status else ""},
    )


# The grant's page and its contract --------------------------------------------------------------


def _page(grant: Grant, account_form=None, accept_form=None, upload_form=None, status=200):
    staff = current_user.has_role("staff")
    lead = is_lead_member(current_user, grant)
    return render_template(
        "contracts/show.html",
        grant=grant,
        c=queries.contract(grant),
        versions=queries.versions(grant),
        actions=actions(grant.status, staff, lead),
        staff_view=staff,
        accept_form=accept_form or AcceptForm(data={"version": grant.version}),
        upload_form=upload_form or UploadSignedForm(data={"version": grant.version}),
    ), status


@bp.get("/grants/<int:grant_id>")
@requires("grant")
def show(grant_id: int):
    return _page(grant_or_404(grant_id, current_user))


@bp.get("/grants/<int:grant_id>/contract.pdf")
@requires("grant")
def pdf(grant_id: int):
    grant = grant_or_404(grant_id, current_user)
    name = "contract-" + grant.number.replace("/", "-") + ".pdf"
    return Response(
        queries.contract_pdf(grant, str(get_locale())),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/grants/<int:grant_id>/signed.pdf")
@requires("grant")
def signed_pdf(grant_id: int):
    grant = grant_or_404(grant_id, current_user)
    key = queries.signed_file_key(grant)
    if key is None:
        abort(404)
    response = files.uploads().download(
        key,
        mimetype="application/pdf",
        download_name="signed-contract-" + grant.number.replace("/", "-") + ".pdf",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Staff: the bank account, send, take back, countersign ------------------------------------------


def _edit_page(grant: Grant, form: AccountForm, status: int = 200, stale: bool = False):
    return render_template(
        "contracts/edit.html",
        grant=grant,
        form=form,
        stale=stale,
    ), status


@bp.route("/grants/<int:grant_id>/account", methods=["GET", "POST"])
@requires("staff")
def edit(grant_id: int):
    grant = staff_grant_or_404(grant_id)
    if request.method == "GET":
        if grant.status is not GrantStatus.draft:
            flash(_("Only a draft contract can be changed."), "warning")
            return redirect(url_for(".show", grant_id=grant.id))
        return _edit_page(grant, AccountForm(obj=grant))
    form = AccountForm()
    if not form.validate():
        return _edit_page(grant, form, 400)
    account = services.Account(
        holder=form.account_holder.data or "",
        iban=form.iban.data or "",
        bic=form.bic.data or "",
        bank_name=form.bank_name.data or "",
        set_start=form.set_start.data,
    )
    with refusals(form) as outcome:
        services.save_account(grant, account, form.version.data, current_user.id)
    if not outcome.ok:
        stale = outcome.refused.message == services.STALE
        if stale:  # what was typed stays; the next save is against what is saved now
            form.version.data = grant.version
        return _edit_page(grant, form, 409 if stale else 400, stale=stale)
    flash(_("The bank account and start of the contract were saved."), "success")
    return redirect(url_for(".edit", grant_id=grant.id))


def _budget_form(grant: Grant):
    lines = grant.current.lines
    form = with_lines(DraftBudget, [line.id for line in lines])
    if not form.is_submitted():
        for line in lines:
            getattr(form, f"line_{line.id}").data = line.amount
        form.indirect.data, form.contingency.data = (
            grant.current.indirect,
            grant.current.contingency,
        )
        form.version.data = grant.version
    return form


@bp.route("/grants/<int:grant_id>/budget", methods=["GET", "POST"])
@requires("staff")
def budget(grant_id: int):
    """Correct the draft contract's budget before it is sent."""
    grant = staff_grant_or_404(grant_id)
    if grant.status is not GrantStatus.draft:
        flash(_("Only a draft contract can be changed."), "warning")
        return redirect(url_for(".show", grant_id=grant.id))
    form = _budget_form(grant)
    if request.method == "GET":
        return render_template("contracts/budget.html", grant=grant, form=form)
    stale = False
    if form.validate():
        amounts = {line.id: getattr(form, f"line_{line.id}").data for line in grant.current.lines}
        with refusals(form) as outcome:
            services.revise_budget(
                grant,
                amounts,
                form.indirect.data,
                form.contingency.data,
                form.max_grant.data,
                form.version.data,
                current_user.id,
            )
        if outcome.ok:
            flash(_("The contract budget was corrected."), "success")
            return redirect(url_for(".show", grant_id=grant.id))
        stale = outcome.refused.message == services.STALE
        if stale:  # what was typed stays; the next save is against what is saved now
            form.version.data = grant.version
    status = 409 if stale else 400
    return render_template("contracts/budget.html", grant=grant, form=form, stale=stale), status


def _versioned_action(grant_id: int, command, done: str, lead: bool = False):
    grant = lead_grant_or_404(grant_id, current_user) if lead else staff_grant_or_404(grant_id)
    form = Versioned()
    form.validate()
    with refusals() as outcome:
        command(grant, form.version.data)
    if outcome.ok:
        flash(done, "success")
    return redirect(url_for(".show", grant_id=grant_id))


@bp.post("/grants/<int:grant_id>/send")
@requires("staff")
def send(grant_id: int):
    return _versioned_action(
        grant_id,
        lambda grant, version: services.send(grant, version, current_user.id, clock.now()),
        _("The contract was sent to the lead applicant for signature."),
    )


@bp.post("/grants/<int:grant_id>/draft")
@requires("staff")
def back_to_draft(grant_id: int):
    return _versioned_action(
        grant_id,
        lambda grant, version: services.back_to_draft(grant, version, current_user.id),
        _("The contract is a draft again: correct it and send it again."),
    )


@bp.post("/grants/<int:grant_id>/countersign")
@requires("staff")
def countersign(grant_id: int):
    return _versioned_action(
        grant_id,
        lambda grant, version: services.countersign(grant, version, current_user.id, clock.now()),
        _("The contract was countersigned: it is in force."),
    )


# The lead signs ----------------------------------------------------------------------------------


@bp.post("/grants/<int:grant_id>/accept")
@requires("grant_lead")
def accept(grant_id: int):
    grant = lead_grant_or_404(grant_id, current_user)
    form = AcceptForm()
    if not form.validate():
        return _page(grant, accept_form=form, status=400)
    with refusals(form) as outcome:
        services.accept(grant, form.version.data, current_user.id, clock.now())
    if not outcome.ok:
        return _page(grant, accept_form=form, status=400)
    flash(
        _(
            "You accepted the contract. It comes into force when the contracting authority "
            "countersigns it."
        ),
        "success",
    )
    return redirect(url_for(".show", grant_id=grant.id))


@bp.post("/grants/<int:grant_id>/signed")
@requires("grant_lead")
def upload_signed(grant_id: int):
    grant = lead_grant_or_404(grant_id, current_user)
    form = UploadSignedForm()
    if not form.validate():
        return _page(grant, upload_form=form, status=400)
    with refusals(form) as outcome:
        services.upload_signed(
            grant, form.file.data, form.version.data, current_user.id, clock.now()
        )
    if not outcome.ok:
        return _page(grant, upload_form=form, status=400)
    flash(
        _(
            "The signed contract was uploaded. It comes into force when the contracting "
            "authority countersigns it."
        ),
        "success",
    )
    return redirect(url_for(".show", grant_id=grant.id))
