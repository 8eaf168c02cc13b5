"""Submission: check your answers, submit, confirmation and receipt, withdraw, reopen, attachments.

One blueprint, declared here (as microblog's app/main/__init__.py does) so that routes.py imports it and
nothing imports routes.py but this package.
"""
from flask import Blueprint

bp = Blueprint("submission", __name__)

from grants.submission import routes  # noqa: E402,F401  (registers the pages on bp)
