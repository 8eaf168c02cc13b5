"""Administration: verify organisations and members, invite users, manage roles, read the outbox."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from grants.access import load_or_404, requires
from grants.admin import queries, services
from grants.admin.forms import (
    ROLE_LABELS,
    InviteForm,
    RejectForm,
    RoleForm,
    role_choices,
    role_label,
)
from grants.auth.access import pending_member
from grants.auth.queries import IDENTITY_LABELS, duplicates, with_duplicates
from grants.auth.services import accounts
from grants.extensions import db
from grants.models import Organisation, OutboxMessage, Role, User
from grants.models.organisations import IDENTITY_FIELDS
from grants.partners import queries as partner_queries
from grants.unit_of_work import refusals

bp = Blueprint("admin", __name__)


def _get(model: type, object_id: int):
    return load_or_404(db.session.get(model, object_id))


@bp.get("/organisations")
@requires("staff")
def organisations():
    status = request.args.get("status", "all")
    if status not in queries.ORG_STATUSES:
        status = "all"
    q = request.args.get("q", "").replace("\x00", "")[:200]
    page = queries.organisations_page(status, q)
    return render_template(
        "admin/organisations.html",
        page=page,
        status=status,
        q=q,
        duplicated=with_duplicates([org.id for org in page.items]),
    )


def _organisation_page(org: Organisation, reject_form: RejectForm | None = None, status: int = 200):
    merged_into = db.session.get(Organisation, org.merged_into_id) if org.merged_into_id else None
    return render_template(
        "admin/organisation.html",
        org=org,
        members=queries.members(org),
        duplicates=duplicates(org),
        merged_into=merged_into,
        labels=IDENTITY_LABELS,
        reject_form=reject_form or RejectForm(),
        invited=partner_queries.awaiting_registration(org),
    ), status


@bp.get("/organisations/<int:org_id>")
@requires("staff")
def organisation(org_id: int):
    return _organisation_page(_get(Organisation, org_id))


@bp.post("/organisations/<int:org_id>/verify")
@requires("staff")
def verify_organisation(org_id: int):
    org = _get(Organisation, org_id)
    seen = {
        field: request.form[field] for field in IDENTITY_FIELDS if field in request.form
    } or None
    with refusals() as outcome:
        services.verify_organisation(current_user, org, seen)
    if outcome.ok:
        flash(_("%(name)s is verified.", name=org.name), "success")
    return redirect(url_for("admin.organisation", org_id=org.id))


@bp.post("/organisations/<int:org_id>/reject")
@requires("staff")
def reject_organisation(org_id: int):
    org = _get(Organisation, org_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _organisation_page(org, form, 400)
    with refusals() as outcome:
        services.reject_organisation(current_user, org, form.reason.data)
    if outcome.ok:
        flash(
            _("The registration of %(name)s is rejected; its users were told why.", name=org.name),
            "success",
        )
    return redirect(url_for("admin.organisation", org_id=org.id))


@bp.post("/organisations/<int:org_id>/merge")
@requires("staff")
def merge_organisation(org_id: int):
    org = _get(Organisation, org_id)
    original = _get(Organisation, request.form.get("into", type=int) or 0)
    with refusals() as outcome:
        moved = services.merge_organisation(current_user, org, original)
    if not outcome.ok:
        return redirect(url_for("admin.organisation", org_id=org.id))
    flash(
        _(
            "%(name)s is merged into %(original)s: %(count)d user(s) moved there, to be verified "
            "as its members.",
            name=org.name,
            original=original.name,
            count=len(moved),
        ),
        "success",
    )
    return redirect(url_for("admin.organisation", org_id=original.id))


@bp.post("/organisations/<int:org_id>/members/<int:user_id>/verify")
@requires("staff")
def verify_member(org_id: int, user_id: int):
    org = _get(Organisation, org_id)
    member = pending_member(org, user_id)
    with refusals() as outcome:  # not confirmed yet
        accounts.verify_member(current_user, org, member)
    if outcome.ok:
        flash(
            _(
                "%(name)s is verified as a member of %(organisation)s.",
                name=member.name,
                organisation=org.name,
            ),
            "success",
        )
    return redirect(url_for("admin.organisation", org_id=org.id))


@bp.get("/users")
@requires("staff")
def users():
    q = request.args.get("q", "").replace("\x00", "")[:200]
    role = request.args.get("role", "")
    return render_template(
        "admin/users.html", page=queries.users_page(q, role), q=q, role=role, roles=ROLE_LABELS
    )


@bp.route("/users/invite", methods=["GET", "POST"])
@requires("staff")
def invite():
    form = InviteForm()
    form.role.choices = [SelectChoice("", _("Choose a role"))] + role_choices(
        queries.invitable_roles(current_user)
    )
    if form.validate_on_submit():
        with refusals(form) as outcome:  # the address has an account
            user = services.invite_user(
                current_user, form.name.data, form.email.data, Role(form.role.data)
            )
        if outcome.ok:
            flash(_("We sent an invitation to %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/invite.html", form=form)


@bp.get("/users/<int:user_id>")
@requires("staff")
def user(user_id: int):
    found = _get(User, user_id)
    return render_template("admin/user.html", user=found, role_form=RoleForm(role=found.role.value))


@bp.post("/users/<int:user_id>/role")
@requires("admin")
def change_role(user_id: int):
    found = _get(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return render_template("admin/user.html", user=found, role_form=form), 400
    with refusals() as outcome:  # one's own role
        services.change_role(current_user, found, Role(form.role.data))
    if outcome.ok:
        flash(
            _("%(name)s is now: %(role)s.", name=found.name, role=role_label(found.role)), "success"
        )
    return redirect(url_for("admin.user", user_id=found.id))


@bp.post("/users/<int:user_id>/active")
@requires("admin")
def set_active(user_id: int):
    found = _get(User, user_id)
    active = request.form.get("active") == "1"
    with refusals() as outcome:  # one's own account
        services.set_active(current_user, found, active)
    if outcome.ok and active:
        flash(_("%(name)s can log in again.", name=found.name), "success")
    elif outcome.ok:
        flash(_("%(name)s can no longer log in.", name=found.name), "success")
    return redirect(url_for("admin.user", user_id=found.id))


@bp.get("/outbox")
@requires("admin")
def outbox():
    return render_template("admin/outbox.html", page=queries.outbox_page())


@bp.get("/outbox/<int:message_id>")
@requires("admin")
def outbox_message(message_id: int):
    message = _get(OutboxMessage, message_id)
    return render_template(
        "admin/outbox_message.html", message=message, body=queries.readable_body(message)
    )
