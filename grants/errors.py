"""Error pages: every error answers with a page in the user's language, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from grants.extensions import db

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    @app.teardown_appcontext
    def close_session(_error: BaseException | None) -> None:
        """Runs before Flask-SQLAlchemy's own teardown: a connection the database cut after the
        response was made must not turn into an error on the way out; the pool replaces it."""
        try:
            db.session.remove()
        except DBAPIError:
            log.warning("The database connection was lost before the session was closed")
            db.session().invalidate()
            db.session.remove()

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _(
            "Your form expired or was sent from another site. Go back, reload the page and try "
            "again."
        )
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        """A Host header the app does not serve (TRUSTED_HOSTS): no page can be built for it, as no
        URL can."""
        return (
            "Bad request: this address is not served here.",
            400,
            {"Content-Type": "text/plain; charset=utf-8"},
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have permission to do that."),
            404: _("We could not find that page."),
            405: _("That action is not allowed here."),
            413: _("The file is too large."),
            429: _("Too many attempts. Wait a minute and try again."),
        }
        code = error.code or 500
        return render_template(
            "errors/error.html", code=code, message=messages.get(code, error.description)
        ), code

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: DBAPIError):
        """The database dropped or refused the connection (a restart, a failover) or gave up on a
        lock: 503 with Retry-After; the pool's pre-ping gives the next request a fresh
        connection."""
        log.warning("Database unavailable on %s %s: %s", request.method, request.path, error.orig)
        _rollback_quietly()
        with force_locale(_locale_without_user()):  # the user's own setting is in the database
            page = render_template("errors/unavailable.html")
        return page, 503, {"Retry-After": "5"}

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        _rollback_quietly()
        return render_template(
            "errors/error.html",
            code=500,
            message=_(
                "Something went wrong on our side. Nothing you typed was saved twice; try again."
            ),
        ), 500


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except DBAPIError:  # the connection is already gone: the pool replaces it
        db.session().invalidate()


def _locale_without_user() -> str:
    supported = current_app.config["LANGUAGES"]
    if session.get("lang") in supported:
        return session["lang"]
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )
