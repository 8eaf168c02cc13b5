# Interim: replaced by the accounts work (login, logout, register, organisation).
from flask import Blueprint, abort

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    abort(404)


@bp.post("/logout")
def logout():
    abort(404)


@bp.route("/register", methods=["GET", "POST"])
def register():
    abort(404)


@bp.get("/organisation")
def organisation():
    abort(404)
