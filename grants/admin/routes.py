# Interim: replaced by the accounts work (organisations, users, outbox).
from flask import Blueprint, abort

bp = Blueprint("admin", __name__)


@bp.get("/organisations")
def organisations():
    abort(404)


@bp.get("/users")
def users():
    abort(404)


@bp.get("/outbox")
def outbox():
    abort(404)
