"""Accounts: log in and out, register, reset a password, and the user's own organisation."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm

from grants.access import requires
from grants.audit import record
from grants.auth import queries
from grants.auth.access import (
    can_manage,
    confirm_email_first,
    managed_organisation,
    must_confirm,
    own_organisation,
    pending_member,
)
from grants.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    JoinForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ReminderChoicesForm,
    ResetRequestForm,
    SetPasswordForm,
)
from grants.auth.forms import _email as normalised_email
from grants.auth.presenters import flag_duplicates, reminder_form, tell_profile_saved
from grants.auth.queries import is_registrant, next_steps
from grants.auth.services import accounts, confirmation, reminders, sessions
from grants.auth.services.confirmation import confirm_email as confirm_email_of
from grants.auth.services.confirmation import send_confirmation
from grants.auth.tokens import user_for_email_token, user_for_token
from grants.extensions import limiter
from grants.security import safe_next as _safe_next
from grants.unit_of_work import refusals

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """The `next` page if it is a path on this site, else the home page."""
    return _safe_next(target, url_for("public.index"))


def _account_key() -> str:
    """The account as login looks it up (the form's own filter): no spelling of an address counts
    apart (M2)."""
    return "login-account:" + (normalised_email(request.form.get("email")) or "")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
# failed attempts on one account from any number of addresses (a distributed guess), counted apart
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=_account_key,
    deduct_when=lambda response: response.status_code != 302,
)
@requires("anonymous_only", post="public")
def login():
    """A failed log-in writes nothing: it answers 200 with the form and its error (the rate limits
    count it)."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = None
        with refusals(form) as outcome:  # a deactivated account
            user = accounts.authenticate(form.email.data, form.password.data)
        if outcome.ok and user is None:
            form.form_errors.append(_("The email address or password is not correct."))
        if user is None:
            return render_template("auth/login.html", form=form), 200
        sessions.start(user, remember=form.remember.data)
        accounts.record_login(user)
        if must_confirm(user):
            return redirect(url_for("auth.confirm_email"))
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@requires("public")
def logout():
    if current_user.is_authenticated:
        record("logout", current_user._get_current_object())
        sessions.end_this(current_user)
        logout_user()
        flash(_("You have logged out."), "success")
    return redirect(url_for("public.index"))


def _registered(email: str, registrant: bool):
    """The same answer whether the address was new or already had an account (whose owner is
    e-mailed instead): the page says where the link went; nobody learns which addresses have
    accounts."""
    session["registered"] = {"email": email, "registrant": registrant}
    return redirect(url_for("auth.registered"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTRATION_RATE_LIMIT"], methods=["POST"])
@requires("anonymous_only")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_organisation(
                form.data, form.full_name.data, form.email.data, form.password.data
            )
        except (
            accounts.EmailTaken
        ):  # answered as if it were new: its owner is told, not the visitor
            confirmation.tell_owner(form.email.data)
            exclude = None
        else:
            send_confirmation(user)
            exclude = user.organisation_id
        flag_duplicates(form.name.data, form.legal_id.data, exclude=exclude)
        return _registered(form.email.data, registrant=True)
    return render_template("auth/register.html", form=form)


@bp.get("/registered")
@requires("public")
def registered():
    """After registering or joining: check your inbox, and what happens next."""
    shown = session.get("registered")
    if current_user.is_authenticated or not isinstance(shown, dict):
        return redirect(url_for("public.index"))
    return render_template(
        "auth/registered.html",
        email=shown.get("email", ""),
        registrant=bool(shown.get("registrant")),
        **next_steps(),
    )


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["REGISTRATION_RATE_LIMIT"], methods=["POST"]
)  # no listing by searches
@requires("anonymous_only")
def join():
    if current_user.is_authenticated:
        return redirect(url_for("public.index"))
    form = JoinForm()
    q = (request.values.get("q") or "").replace("\x00", "").strip()[:200]
    chosen = queries.joinable(form.organisation_id.data) if form.is_submitted() else None
    searching = "search" in request.form
    if not searching and form.validate_on_submit():
        if chosen is None:
            form.organisation_id.errors.append(
                _("Search for your organisation and choose it from the results.")
            )
        else:
            try:
                user = accounts.register_member(
                    chosen.id, form.full_name.data, form.email.data, form.password.data
                )
            except (
                accounts.EmailTaken
            ):  # answered as if it were new: its owner is told, not the visitor
                confirmation.tell_owner(form.email.data)
            else:
                send_confirmation(user)
            return _registered(form.email.data, registrant=False)
    results = queries.join_results(q, chosen)
    return render_template(
        "auth/join.html",
        form=form,
        q=q,
        results=results,
        chosen=chosen,
        searched=bool(q),
        min_search=queries.JOIN_MIN_SEARCH,
    )


@bp.get("/confirm")
@requires("signed_in")
def confirm_email():
    """The page an account sees until its address is confirmed, with the link sent again on
    request."""
    if current_user.email_confirmed:
        return redirect(url_for("public.index"))
    return render_template(
        "auth/confirm_email.html",
        registrant=is_registrant(current_user),
        form=ChangeEmailForm(email=current_user.email),
        **next_steps(),
    )


@bp.post("/confirm/address")
@requires("signed_in")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def correct_address():
    """A mistyped address, corrected before it is confirmed: the link goes to the new one."""
    if current_user.email_confirmed:
        return redirect(url_for("public.index"))
    form = ChangeEmailForm()
    if form.validate_on_submit():
        with refusals(form) as outcome:  # another account has the address
            confirmation.correct_address(current_user._get_current_object(), form.email.data)
        if outcome.ok:
            flash(
                _(
                    "We sent a link to %(email)s: open it to confirm your address.",
                    email=form.email.data,
                ),
                "success",
            )
            return redirect(url_for("auth.confirm_email"))
    return render_template(
        "auth/confirm_email.html", registrant=is_registrant(current_user), form=form, **next_steps()
    ), 400


@bp.post("/confirm")
@requires("signed_in")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def resend_confirmation():
    if not current_user.email_confirmed:
        send_confirmation(current_user._get_current_object())
        flash(
            _(
                "We sent a new link to %(email)s. Earlier links keep working until they expire.",
                email=current_user.email,
            ),
            "success",
        )
    return redirect(url_for("auth.confirm_email"))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@requires("public")
def confirm_email_link(token: str):
    """The link e-mailed to the address opens a page whose button confirms it: a GET never writes,
    so that a mail scanner that follows links confirms nothing."""
    user = user_for_email_token(token)
    if user is None:
        return render_template("auth/token_invalid.html", confirm=True), 400
    form = FlaskForm()
    if not user.email_confirmed and not form.validate_on_submit():
        return render_template("auth/confirm_link.html", email=user.email, form=form)
    if not user.email_confirmed:
        confirm_email_of(user)
        flash(_("Your e-mail address %(email)s is confirmed.", email=user.email), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("auth.organisation" if user.organisation_id else "public.index"))
    return redirect(url_for("auth.login"))


bp.before_app_request(confirm_email_first)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@requires("public")
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(
            _(
                "If the address is known, we sent a link to it. The link works once, for a limited "
                "time."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@requires("signed_in")
def account():
    """The signed-in user's password, reminders, and 'log out everywhere' (security-probe M1)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if accounts.change_password(current_user, form.current.data, form.password.data):
            flash(
                _("Your password was changed. Every other session of your account has ended."),
                "success",
            )
            return redirect(url_for("auth.account"))
        form.current.errors.append(_("This is not your current password."))
    return _account_page(form, reminder_form(current_user, None)), 400 if form.errors else 200


def _account_page(form: ChangePasswordForm, reminder_form: ReminderChoicesForm) -> str:
    return render_template("auth/account.html", form=form, reminder_form=reminder_form)


@bp.post("/account/reminders")
@requires("signed_in")
def reminder_choices():
    """Turn reminders that are not legally required on or off (docs/domain.md 8)."""
    form = reminder_form(current_user, request.form)
    if not form.validate():
        return _account_page(ChangePasswordForm(formdata=None), form), 400
    reminders.save_choices(current_user._get_current_object(), set(form.send.data or []))
    flash(_("Your reminder choices were saved."), "success")
    return redirect(url_for("auth.account") + "#reminders")


@bp.post("/account/sessions/end")
@requires("signed_in")
def end_sessions():
    ended = sessions.end_all(current_user)
    record("logout_everywhere", current_user._get_current_object(), after={"sessions_ended": ended})
    logout_user()
    flash(
        _(
            "You are logged out everywhere: on every device and browser where your account was "
            "signed in."
        ),
        "success",
    )
    return redirect(url_for("auth.login"))


@bp.route("/password/<token>", methods=["GET", "POST"])
@requires("public")
def set_password(token: str):
    user = user_for_token(token)
    if user is None:
        return render_template("auth/token_invalid.html"), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data)
        if current_user.is_authenticated:
            logout_user()
        flash(_("Your password is saved. You can log in with it now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user)


@bp.route("/organisation", methods=["GET", "POST"])
@requires("organisation_page", post="organisation_profile")
def organisation():
    org = (
        managed_organisation(current_user)
        if request.method == "POST"
        else own_organisation(current_user)
    )
    manage = can_manage(current_user, org)
    form = ProfileForm(data=queries.profile_data(org))
    if form.is_submitted():
        if form.validate():
            changes = accounts.update_profile(org, form.data)
            tell_profile_saved(form, changes)
            flag_duplicates(org.name, org.legal_id, exclude=org.id)
            return redirect(url_for("auth.organisation"))
    pending = queries.pending_members(org) if manage else []
    return render_template(
        "auth/organisation.html", org=org, form=form, manage=manage, pending=pending
    )


@bp.post("/organisation/members/<int:user_id>/verify")
@requires("organisation_manager")
def verify_member(user_id: int):
    org = managed_organisation(current_user)
    member = pending_member(org, user_id)
    with refusals() as outcome:  # not confirmed yet
        accounts.verify_member(current_user, org, member)
    if outcome.ok:
        flash(
            _(
                "%(name)s can now act for %(organisation)s.",
                name=member.name,
                organisation=org.name,
            ),
            "success",
        )
    return redirect(url_for("auth.organisation"))
