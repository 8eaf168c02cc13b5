"""Partners: partner search and contact, the application's partnership, invitations to registered
partners and to partners not registered yet (who register from the e-mailed link)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.access import requires
from grants.applications.access import (
    get_application_for,
    get_application_to_edit,
    is_editable,
    is_lead_member,
)
from grants.auth.services import sessions
from grants.extensions import limiter
from grants.models import PartnerStatus
from grants.partners import queries
from grants.partners.access import (
    get_invitation,
    get_profile,
    invitation_in,
    lead_application,
    may_contact,
    organisation_to_contact,
    partner_in,
)
from grants.partners.forms import (
    ConfirmForm,
    ContactForm,
    DeclineForm,
    InviteForm,
    PartnerForm,
    RegisterInvitedForm,
    RoleForm,
    SearchForm,
    role_forms_of,
)
from grants.partners.presenters import (
    budget_summary,
    organisation_options,
    partner_lines,
    partnership_problems,
    search_args,
    tell_invited,
    tell_registered,
)
from grants.partners.services import confirmations
from grants.partners.services import invitations as invitation_services
from grants.partners.services import partnership as partnership_services
from grants.security import per_user, redirected
from grants.unit_of_work import refusals

bp = Blueprint("partners", __name__)
CONTACT_LIMIT = "10 per hour"
CHOICES = 50  # organisations listed at once in the partner drop-down; a search narrows them


# Partner search and contact
# ---------------------------------------------------------------------------


@bp.get("/partners")
@requires("applicant_or_staff")
def search():
    index = queries.ProfileIndex()
    calls = queries.published_calls()
    form = SearchForm(request.args)
    form.set_choices(index.themes, [(c.id, f"{c.reference}: {c.title}") for c in calls])
    valid = form.validate()
    data = form.filter_values()
    call = next((c for c in calls if c.id == form.call_id.data), None)
    filters = queries.Filters(
        **data, only_eligible=bool(call and form.only_eligible.data), call=call
    )
    page = queries.search(filters, index, request.args.get("page", 1, type=int))
    return render_template(
        "partners/search.html",
        form=form,
        page=page,
        call=call,
        eligible=index.eligible(call) if call else set(),
        args=search_args(filters),
    ), 200 if valid else 400


@bp.get("/partners/<int:org_id>")
@requires("applicant_or_staff")
def profile(org_id: int):
    return _profile(get_profile(org_id), ContactForm())


def _profile(org, form: ContactForm, status: int = 200):
    user = current_user._get_current_object()
    return render_template(
        "partners/profile.html",
        org=org,
        form=form,
        may_contact=may_contact(user, org),
        drafts=queries.my_draft_applications(user, org),
    ), status


@bp.post("/partners/<int:org_id>/contact")
@limiter.limit(CONTACT_LIMIT, key_func=per_user, deduct_when=redirected)
@requires("contact_partner_org")
def contact(org_id: int):
    org = organisation_to_contact(current_user, org_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _profile(org, form, 400)
    with refusals(form) as outcome:
        partnership_services.contact(current_user._get_current_object(), org, form.message.data)
    if not outcome.ok:
        return _profile(org, form, 400)
    flash(_("Your message was sent to the members of %(name)s.", name=org.name), "success")
    return redirect(url_for("partners.profile", org_id=org.id))


# The application's partnership
# ----------------------------------------------------------------------


@bp.get("/applications/<int:application_id>/partnership")
@requires("application_page")
def partnership(application_id: int):
    application = get_application_for(current_user, application_id)
    return _partnership(application)


def _partnership(
    application,
    add_form: PartnerForm | None = None,
    role_forms: dict | None = None,
    invite_form: InviteForm | None = None,
    status: int = 200,
):
    editable = is_lead_member(current_user, application) and is_editable(application)
    more = False
    if editable:
        q = request.args.get("q", "").replace("\x00", "")[:200]
        add_form = add_form or PartnerForm(
            organisation_id=request.args.get("organisation_id", type=int)
        )
        found = queries.organisation_choices(
            application, q, include=add_form.organisation_id.data, limit=CHOICES + 1
        )
        more = len(found) > CHOICES
        add_form.set_organisations(organisation_options(found[:CHOICES]))
        role_forms = role_forms_of(application) | (role_forms or {})
        invite_form = invite_form or InviteForm(formdata=None)
    return render_template(
        "partners/partnership.html",
        application=application,
        call=application.call,
        problems=partnership_problems(application),
        editable=editable,
        add_form=add_form,
        role_forms=role_forms or {},
        q=request.args.get("q", ""),
        more=more,
        choices=CHOICES,
        invite_form=invite_form,
        invitations=queries.invitations_of(application),
        is_lead=is_lead_member(current_user, application),
        changes=queries.changes_to_reconfirm(application),
    ), status


def _to_partnership(application):
    return redirect(url_for("partners.partnership", application_id=application.id))


@bp.post("/applications/<int:application_id>/partnership")
@requires("lead_draft_page")
def add_partner(application_id: int):
    application = get_application_to_edit(current_user, application_id)
    form = PartnerForm()
    if form.validate_on_submit():
        with refusals(form) as outcome:
            partner = partnership_services.propose_partner(
                application, form.organisation_id.data, form.role.data
            )
        if outcome.ok:
            flash(
                _(
                    "%(name)s is proposed as a partner. We e-mailed its members to confirm.",
                    name=partner.organisation.name,
                ),
                "success",
            )
            return _to_partnership(application)
    return _partnership(application, add_form=form, status=400)


@bp.post("/applications/<int:application_id>/partnership/<int:partner_id>/role")
@requires("lead_draft_page")
def change_role(application_id: int, partner_id: int):
    application = get_application_to_edit(current_user, application_id)
    partner = partner_in(application, partner_id)
    form = RoleForm(prefix=f"partner-{partner.id}")
    if not form.validate_on_submit():
        return _partnership(application, role_forms={partner.id: form}, status=400)
    was_confirmed = partner.status is PartnerStatus.confirmed
    if confirmations.change_role(partner, form.role.data):
        if was_confirmed:
            flash(
                _(
                    "The role of %(name)s changed: its confirmation is void and it must confirm "
                    "again.",
                    name=partner.organisation.name,
                ),
                "warning",
            )
        else:
            flash(_("The role of %(name)s is saved.", name=partner.organisation.name), "success")
    return _to_partnership(application)


@bp.post("/applications/<int:application_id>/partnership/<int:partner_id>/remove")
@requires("lead_draft_page")
def remove_partner(application_id: int, partner_id: int):
    application = get_application_to_edit(current_user, application_id)
    partner = partner_in(application, partner_id)
    name = partner.organisation.name
    with refusals() as outcome:
        partnership_services.remove_partner(application, partner)
    if outcome.ok:
        flash(_("%(name)s is no longer a partner of this application.", name=name), "success")
    return _to_partnership(application)


# Partners not registered yet: invited by e-mail
# --------------------------------------------------------


def _closed(application):
    flash(_("This application is no longer a draft: its partnership cannot change."), "error")
    return _to_partnership(application)


@bp.post("/applications/<int:application_id>/partnership/invite")
@limiter.limit(CONTACT_LIMIT, key_func=per_user, deduct_when=redirected)
@requires("lead_draft_page")
def invite_partner(application_id: int):
    application = lead_application(current_user, application_id)
    if not is_editable(application):
        return _closed(application)
    form = InviteForm()
    if form.validate_on_submit():
        with refusals(form) as outcome:
            invitation = invitation_services.invite(
                current_user._get_current_object(), application, form.data
            )
        if outcome.ok:
            tell_invited(invitation)
            return _to_partnership(application)
    return _partnership(application, invite_form=form, status=400)


@bp.post("/applications/<int:application_id>/partnership/invitations/<int:invitation_id>/resend")
@limiter.limit(CONTACT_LIMIT, key_func=per_user, deduct_when=redirected)
@requires("lead_draft_page")
def resend_invitation(application_id: int, invitation_id: int):
    application = lead_application(current_user, application_id)
    invitation = invitation_in(application, invitation_id)
    if not is_editable(application):
        return _closed(application)
    invitation_services.resend(invitation)
    flash(
        _(
            "We sent the invitation to %(email)s again. The earlier link no longer works.",
            email=invitation.email,
        ),
        "success",
    )
    return _to_partnership(application)


@bp.post("/applications/<int:application_id>/partnership/invitations/<int:invitation_id>/cancel")
@requires("lead_draft_page")
def cancel_invitation(application_id: int, invitation_id: int):
    application = lead_application(current_user, application_id)
    invitation = invitation_in(application, invitation_id)
    if not is_editable(application):
        return _closed(application)
    name = invitation.organisation.name
    with refusals() as outcome:
        invitation_services.cancel(invitation)
    if outcome.ok:
        flash(
            _("The invitation of %(name)s is cancelled: its link no longer works.", name=name),
            "success",
        )
    return _to_partnership(application)


@bp.route("/partners/register/<token>", methods=["GET", "POST"])
@requires("public")
def register_invited(token: str):
    invitation = queries.invitation_for_token(token)
    if invitation is None:
        return render_template("partners/invitation_invalid.html"), 400
    if current_user.is_authenticated:
        return render_template(
            "partners/register_invited.html", invitation=invitation, form=None
        ), 200
    session.setdefault(
        "lang", invitation.locale
    )  # the language the lead chose, until the user picks another
    org = invitation.organisation
    form = RegisterInvitedForm(
        data={"name": org.name, "type": org.type.value, "country": org.country}
    )
    if form.validate_on_submit():
        with refusals(form) as outcome:  # the address was registered meanwhile: nothing is kept
            user = invitation_services.register(
                invitation, form.data, form.full_name.data, form.password.data
            )
        if outcome.ok:
            sessions.start(user)
            tell_registered(org)
            return redirect(url_for("auth.organisation"))
    return render_template("partners/register_invited.html", invitation=invitation, form=form), 200


# Partnerships offered to the user's organisation
# -------------------------------------------------------


@bp.get("/partners/invitations")
@requires("applicant_role")
def invitations():
    return render_template(
        "partners/invitations.html", partners=queries.invitations_for(current_user)
    )


@bp.get("/partners/invitations/<int:partner_id>")
@requires("partner_invitation")
def invitation(partner_id: int):
    return _invitation(get_invitation(current_user, partner_id), DeclineForm())


def _invitation(partner, decline_form: DeclineForm, status: int = 200):
    application = partner.application
    summary = budget_summary(application)
    lines = partner_lines(partner)
    confirm_form = ConfirmForm(seen=queries.fingerprint(partner, summary))
    return render_template(
        "partners/invitation.html",
        partner=partner,
        application=application,
        call=application.call,
        summary=summary,
        lines=lines,
        open=is_editable(application),
        changes=queries.changes_since_confirmation(partner, summary),
        confirm_form=confirm_form,
        decline_form=decline_form,
    ), status


@bp.post("/partners/invitations/<int:partner_id>/confirm")
@requires("partner_invitation")
def confirm(partner_id: int):
    partner = get_invitation(current_user, partner_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with refusals() as outcome:
        confirmations.confirm(
            current_user._get_current_object(),
            partner,
            budget_summary(partner.application),
            form.seen.data,
        )
    if outcome.ok:
        flash(
            _("You confirmed the participation of %(name)s.", name=partner.organisation.name),
            "success",
        )
    return redirect(url_for("partners.invitation", partner_id=partner.id))


@bp.post("/partners/invitations/<int:partner_id>/decline")
@requires("partner_invitation")
def decline(partner_id: int):
    partner = get_invitation(current_user, partner_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _invitation(partner, form, 400)
    with refusals() as outcome:
        confirmations.decline(current_user._get_current_object(), partner, form.reason.data or "")
    if outcome.ok:
        flash(_("You declined the partnership. We told the lead applicant."), "success")
    return redirect(url_for("partners.invitation", partner_id=partner.id))
