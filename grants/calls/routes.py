# Interim: replaced by the calls work.
from flask import Blueprint, abort

bp = Blueprint("calls", __name__)


@bp.get("/")
def index():
    abort(404)
