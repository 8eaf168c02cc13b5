"""Partners not yet registered: the lead invites them by e-mail; the invited contact registers from the link."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants import jobs
from grants.applications.access import get_application_for, is_editable, is_lead_member
from grants.auth import sessions
from grants.auth.loaders import role_required
from grants.auth.services import EmailTaken
from grants.extensions import db, limiter
from grants.models import PartnerInvitation
from grants.partners import pending, services
from grants.partners.forms import InviteForm, RegisterInvitedForm
from grants.partners.routes import CONTACT_LIMIT, _partnership, bp


def _lead_draft(application_id: int):
    """The application for a member acting for its lead (404 for others); a finished one is refused plainly."""
    application = get_application_for(current_user, application_id)
    if not is_lead_member(current_user, application):
        abort(404)
    return application


def _closed(application):
    flash(_("This application is no longer a draft: its partnership cannot change."), "error")
    return redirect(url_for("partners.partnership", application_id=application.id))


@bp.post("/applications/<int:application_id>/partnership/invite")
@limiter.limit(CONTACT_LIMIT, key_func=lambda: f"user:{current_user.get_id()}",
               deduct_when=lambda response: response.status_code == 302)
@role_required("applicant")
def invite_partner(application_id: int):
    application = _lead_draft(application_id)
    if not is_editable(application):
        return _closed(application)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = pending.invite(current_user._get_current_object(), application, form.data)
        except services.Refused as refused:
            form.email.errors.append(refused.message)
        else:
            jobs.commit()
            flash(_("We e-mailed the invitation to %(email)s. %(name)s holds its place in the partnership while "
                    "it registers.", email=invitation.email, name=invitation.organisation.name), "success")
            return redirect(url_for("partners.partnership", application_id=application.id))
    return _partnership(application, invite_form=form, status=400)


def _invitation_in(application, invitation_id: int) -> PartnerInvitation:
    invitation = db.session.get(PartnerInvitation, invitation_id)
    if invitation is None or invitation.application_id != application.id or not invitation.open:
        abort(404)
    return invitation


@bp.post("/applications/<int:application_id>/partnership/invitations/<int:invitation_id>/resend")
@limiter.limit(CONTACT_LIMIT, key_func=lambda: f"user:{current_user.get_id()}",
               deduct_when=lambda response: response.status_code == 302)
@role_required("applicant")
def resend_invitation(application_id: int, invitation_id: int):
    application = _lead_draft(application_id)
    invitation = _invitation_in(application, invitation_id)
    if not is_editable(application):
        return _closed(application)
    pending.resend(invitation)
    jobs.commit()
    flash(_("We sent the invitation to %(email)s again. The earlier link no longer works.",
            email=invitation.email), "success")
    return redirect(url_for("partners.partnership", application_id=application.id))


@bp.post("/applications/<int:application_id>/partnership/invitations/<int:invitation_id>/cancel")
@role_required("applicant")
def cancel_invitation(application_id: int, invitation_id: int):
    application = _lead_draft(application_id)
    invitation = _invitation_in(application, invitation_id)
    if not is_editable(application):
        return _closed(application)
    name = invitation.organisation.name
    try:
        pending.cancel(invitation)
    except services.Refused as refused:
        flash(refused.message, "error")
    else:
        jobs.commit()
        flash(_("The invitation of %(name)s is cancelled: its link no longer works.", name=name), "success")
    return redirect(url_for("partners.partnership", application_id=application.id))


@bp.route("/partners/register/<token>", methods=["GET", "POST"])
def register_invited(token: str):
    invitation = pending.invitation_for_token(token)
    if invitation is None:
        return render_template("partners/invitation_invalid.html"), 400
    if current_user.is_authenticated:
        return render_template("partners/register_invited.html", invitation=invitation, form=None), 200
    session.setdefault("lang", invitation.locale)  # the language the lead chose, until the user picks another
    org = invitation.organisation
    form = RegisterInvitedForm(data={"name": org.name, "type": org.type.value, "country": org.country})
    if form.validate_on_submit():
        try:
            user = pending.register(invitation, form.data, form.full_name.data, form.password.data)
        except EmailTaken:
            form.form_errors.append(_("An account with this e-mail address already exists. Log in instead, and "
                                      "ask the lead applicant to propose your organisation."))
        else:
            sessions.start(user)
            jobs.commit()
            flash(_("%(name)s is registered. Programme staff will now verify it; we will e-mail you once they have. "
                    "Then open “Partnership invitations” to confirm your participation.", name=org.name), "success")
            return redirect(url_for("auth.organisation"))
    return render_template("partners/register_invited.html", invitation=invitation, form=form), 200
