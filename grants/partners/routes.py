"""Partners: partner search and contact, the application's partnership, and partnership invitations."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants import jobs
from grants.applications.access import get_application_for, get_application_to_edit, is_editable, is_lead_member
from grants.auth.choices import country_name
from grants.auth.loaders import role_required
from grants.extensions import limiter
from grants.models import PartnerStatus
from grants.partners import confirmations, pending, services
from grants.partners import search as finder
from grants.partners.forms import (
    ConfirmForm,
    ContactForm,
    DeclineForm,
    InviteForm,
    PartnerForm,
    RoleForm,
    SearchForm,
)
from grants.partners.presenters import budget_summary, describe_change, partnership_problems

bp = Blueprint("partners", __name__)
bp.add_app_template_global(describe_change, "describe_change")
CONTACT_LIMIT = "10 per hour"
CHOICES = 50  # organisations listed at once in the partner drop-down; a search narrows them


@bp.get("/partners")
@role_required("applicant", "staff")
def search():
    index = finder.ProfileIndex()
    calls = finder.published_calls()
    form = SearchForm(request.args)
    form.set_choices(index.themes, [(c.id, f"{c.reference}: {c.title}") for c in calls])
    valid = form.validate()
    data = {name: "" if form[name].errors else form[name].data or "" for name in ("q", "country", "type", "theme")}
    call = next((c for c in calls if c.id == form.call_id.data), None)
    filters = finder.Filters(**data, only_eligible=bool(call and form.only_eligible.data), call=call)
    page = finder.search(filters, index, request.args.get("page", 1, type=int))
    args = {**data, "call_id": call.id if call else None, "only_eligible": "y" if filters.only_eligible else None}
    return render_template("partners/search.html", form=form, page=page, call=call,
                           eligible=index.eligible(call) if call else set(),
                           args={k: v for k, v in args.items() if v}), 200 if valid else 400


@bp.get("/partners/<int:org_id>")
@role_required("applicant", "staff")
def profile(org_id: int):
    return _profile(finder.get_profile(org_id), ContactForm())


def _profile(org, form: ContactForm, status: int = 200):
    user = current_user._get_current_object()
    return render_template("partners/profile.html", org=org, form=form,
                           may_contact=finder.may_contact(user, org),
                           drafts=finder.my_draft_applications(user, org)), status


@bp.post("/partners/<int:org_id>/contact")
@limiter.limit(CONTACT_LIMIT, key_func=lambda: f"user:{current_user.get_id()}",
               deduct_when=lambda response: response.status_code == 302)
@role_required("applicant", "staff")
def contact(org_id: int):
    org = finder.get_profile(org_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _profile(org, form, 400)
    try:
        finder.contact(current_user._get_current_object(), org, form.message.data)
    except services.Refused as refused:
        form.form_errors.append(refused.message)
        return _profile(org, form, 400)
    jobs.commit()
    flash(_("Your message was sent to the members of %(name)s.", name=org.name), "success")
    return redirect(url_for("partners.profile", org_id=org.id))


@bp.get("/applications/<int:application_id>/partnership")
@role_required("applicant", "staff")
def partnership(application_id: int):
    application = get_application_for(current_user, application_id)
    return _partnership(application)


def _partnership(application, add_form: PartnerForm | None = None, role_forms: dict | None = None,
                 invite_form: InviteForm | None = None, status: int = 200):
    editable = is_lead_member(current_user, application) and is_editable(application)
    more = False
    if editable:
        q = request.args.get("q", "").replace("\x00", "")[:200]
        add_form = add_form or PartnerForm(organisation_id=request.args.get("organisation_id", type=int))
        found = services.organisation_choices(application, q, include=add_form.organisation_id.data,
                                              limit=CHOICES + 1)
        more = len(found) > CHOICES
        add_form.set_organisations([(o.id, f"{o.name} ({country_name(o.country)})") for o in found[:CHOICES]])
        role_forms = {p.id: RoleForm(prefix=f"partner-{p.id}", role=p.role) for p in application.partners} | (
            role_forms or {})
        invite_form = invite_form or InviteForm(formdata=None)
    return render_template("partners/partnership.html", application=application, call=application.call,
                           problems=partnership_problems(application), editable=editable, add_form=add_form,
                           role_forms=role_forms or {}, q=request.args.get("q", ""), more=more, choices=CHOICES,
                           invite_form=invite_form, invitations=pending.invitations_of(application),
                           is_lead=is_lead_member(current_user, application),
                           changes={p.id: confirmations.changes_since_confirmation(p) for p in application.partners
                                    if p.status.value == "proposed" and p.confirmed_terms is not None}), status


@bp.post("/applications/<int:application_id>/partnership")
@role_required("applicant")
def add_partner(application_id: int):
    application = get_application_to_edit(current_user, application_id)
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = services.propose_partner(application, form.organisation_id.data, form.role.data)
        except services.Refused as refused:
            form.organisation_id.errors.append(refused.message)
        else:
            jobs.commit()
            flash(_("%(name)s is proposed as a partner. We e-mailed its members to confirm.",
                    name=partner.organisation.name), "success")
            return redirect(url_for("partners.partnership", application_id=application.id))
    return _partnership(application, add_form=form, status=400)


@bp.post("/applications/<int:application_id>/partnership/<int:partner_id>/role")
@role_required("applicant")
def change_role(application_id: int, partner_id: int):
    application = get_application_to_edit(current_user, application_id)
    partner = services.partner_in(application, partner_id)
    form = RoleForm(prefix=f"partner-{partner.id}")
    if not form.validate_on_submit():
        return _partnership(application, role_forms={partner.id: form}, status=400)
    was_confirmed = partner.status is PartnerStatus.confirmed
    if confirmations.change_role(partner, form.role.data):
        jobs.commit()
        if was_confirmed:
            flash(_("The role of %(name)s changed: its confirmation is void and it must confirm again.",
                    name=partner.organisation.name), "warning")
        else:
            flash(_("The role of %(name)s is saved.", name=partner.organisation.name), "success")
    return redirect(url_for("partners.partnership", application_id=application.id))


@bp.post("/applications/<int:application_id>/partnership/<int:partner_id>/remove")
@role_required("applicant")
def remove_partner(application_id: int, partner_id: int):
    application = get_application_to_edit(current_user, application_id)
    partner = services.partner_in(application, partner_id)
    name = partner.organisation.name
    try:
        services.remove_partner(application, partner)
    except services.Refused as refused:
        flash(refused.message, "error")
    else:
        jobs.commit()
        flash(_("%(name)s is no longer a partner of this application.", name=name), "success")
    return redirect(url_for("partners.partnership", application_id=application.id))


@bp.get("/partners/invitations")
@role_required("applicant")
def invitations():
    return render_template("partners/invitations.html", partners=services.invitations_for(current_user))


@bp.get("/partners/invitations/<int:partner_id>")
@role_required("applicant")
def invitation(partner_id: int):
    partner = services.get_invitation(current_user, partner_id)
    return _invitation(partner, DeclineForm())


def _invitation(partner, decline_form: DeclineForm, status: int = 200):
    application = partner.application
    summary = budget_summary(application)
    lines = [line for line in application.budget_lines if line.organisation_id == partner.organisation_id]
    confirm_form = ConfirmForm(seen=confirmations.fingerprint(partner, summary))
    return render_template("partners/invitation.html", partner=partner, application=application,
                           call=application.call, summary=summary, lines=lines, open=is_editable(application),
                           changes=confirmations.changes_since_confirmation(partner, summary),
                           confirm_form=confirm_form, decline_form=decline_form), status


@bp.post("/partners/invitations/<int:partner_id>/confirm")
@role_required("applicant")
def confirm(partner_id: int):
    partner = services.get_invitation(current_user, partner_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        confirmations.confirm(current_user._get_current_object(), partner, budget_summary(partner.application),
                         form.seen.data)
    except services.Refused as refused:
        flash(refused.message, "error")
    else:
        jobs.commit()
        flash(_("You confirmed the participation of %(name)s.", name=partner.organisation.name), "success")
    return redirect(url_for("partners.invitation", partner_id=partner.id))


@bp.post("/partners/invitations/<int:partner_id>/decline")
@role_required("applicant")
def decline(partner_id: int):
    partner = services.get_invitation(current_user, partner_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _invitation(partner, form, 400)
    try:
        confirmations.decline(current_user._get_current_object(), partner, form.reason.data or "")
    except services.Refused as refused:
        flash(refused.message, "error")
    else:
        jobs.commit()
        flash(_("You declined the partnership. We told the lead applicant."), "success")
    return redirect(url_for("partners.invitation", partner_id=partner.id))


from grants.partners import pending_routes  # noqa: E402,F401  (its routes are on this blueprint)
