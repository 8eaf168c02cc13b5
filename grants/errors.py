"""Error pages: every error answers with a page in the user's language, never a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from grants.extensions import db

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("Your form expired or was sent from another site. Go back, reload the page and try again.")
        return render_template("errors/error.html", code=400, message=message), 400

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
        return render_template("errors/error.html", code=code,
                               message=messages.get(code, error.description)), code

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_template("errors/error.html", code=500,
                               message=_("Something went wrong on our side. Nothing you typed was saved twice; try again.")), 500
