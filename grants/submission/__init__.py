"""Submission: check your answers, submit, confirmation and receipt, withdraw, reopen, attachments.

Its one blueprint is declared here (as microblog's app/main/__init__.py does), so that routes.py
imports it and nothing else imports routes.py. Unlike microblog, this module does not import
routes.py itself: the other packages import submission's services and presenters, and loading every
page with them would bring the routes' imports (applications, partners) into theirs, in a circle.
The application factory imports the routes when it registers the blueprint
(grants.register_blueprints).
"""

from flask import Blueprint

bp = Blueprint("submission", __name__)
