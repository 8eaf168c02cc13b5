"""Accounts: log in and out, register, reset a password, and the user's own organisation."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from grants import jobs
from grants.audit import record
from grants.auth import services
from grants.auth.choices import country_name, organisation_type_label
from grants.auth.forms import JoinForm, LoginForm, ProfileForm, RegisterForm, ResetRequestForm, SetPasswordForm
from grants.auth.tokens import user_for_token
from grants.extensions import limiter
from grants.security import safe_next as _safe_next

bp = Blueprint("auth", __name__)
bp.add_app_template_filter(country_name, "country_name")
bp.add_app_template_filter(organisation_type_label, "organisation_type")


def safe_next(target: str | None) -> str:
    """The `next` page if it is a path on this site, else the home page."""
    return _safe_next(target, url_for("public.index"))


def _account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
# failed attempts on one account from any number of addresses (a distributed guess), counted apart
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], methods=["POST"], key_func=_account_key,
               deduct_when=lambda response: response.status_code != 302)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountInactive:
            form.form_errors.append(_("This account has been deactivated. Contact the programme staff."))
            return render_template("auth/login.html", form=form), 200
        if user is None:
            form.form_errors.append(_("The email address or password is not correct."))
            return render_template("auth/login.html", form=form), 200
        login_user(user, remember=form.remember.data)
        services.record_login(user)
        jobs.commit()
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        record("logout", current_user._get_current_object())
        jobs.commit()
        logout_user()
        flash(_("You have logged out."), "success")
    return redirect(url_for("public.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_organisation(form.data, form.full_name.data, form.email.data, form.password.data)
        except services.EmailTaken:
            form.email.errors.append(_("An account with this email address already exists. Log in instead."))
        else:
            login_user(user)
            jobs.commit()
            flash(_("Your organisation is registered. Programme staff will verify it before you can apply."),
                  "success")
            return redirect(url_for("auth.organisation"))
    return render_template("auth/register.html", form=form)


@bp.route("/join", methods=["GET", "POST"])
def join():
    if current_user.is_authenticated:
        return redirect(url_for("public.index"))
    form = JoinForm()
    form.set_organisations(services.joinable_organisations())
    if form.validate_on_submit():
        try:
            user = services.register_member(form.organisation_id.data, form.full_name.data, form.email.data,
                                            form.password.data)
        except services.EmailTaken:
            form.email.errors.append(_("An account with this email address already exists. Log in instead."))
        else:
            login_user(user)
            jobs.commit()
            flash(_("Your account is created. A verified member of your organisation or programme staff "
                    "must now confirm that you work for it."), "success")
            return redirect(url_for("auth.organisation"))
    return render_template("auth/join.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        jobs.commit()
        flash(_("If the address is known, we sent a link to it. The link works once, for a limited time."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    user = user_for_token(token)
    if user is None:
        return render_template("auth/token_invalid.html"), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        jobs.commit()
        if current_user.is_authenticated:
            logout_user()
        flash(_("Your password is saved. You can log in with it now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user)


@bp.route("/organisation", methods=["GET", "POST"])
@login_required
def organisation():
    org = current_user.organisation
    if org is None:
        abort(404)
    manage = services.can_manage(current_user, org)
    form = ProfileForm(data=services.profile_data(org))
    if form.is_submitted():
        if not manage:
            abort(403)
        if form.validate():
            services.update_profile(org, form.data)
            jobs.commit()
            flash(_("The organisation's profile is saved."), "success")
            return redirect(url_for("auth.organisation"))
    pending = services.pending_members(org) if manage else []
    return render_template("auth/organisation.html", org=org, form=form, manage=manage, pending=pending)


@bp.post("/organisation/members/<int:user_id>/verify")
@login_required
def verify_member(user_id: int):
    org = current_user.organisation
    if org is None:
        abort(404)
    if not services.can_manage(current_user, org):
        abort(403)
    try:
        member = services.verify_member(current_user, org, user_id)
    except LookupError:
        abort(404)
    jobs.commit()
    flash(_("%(name)s can now act for %(organisation)s.", name=member.name, organisation=org.name), "success")
    return redirect(url_for("auth.organisation"))
