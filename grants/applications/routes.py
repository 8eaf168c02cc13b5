# Interim: being written (issue 3).
from flask import Blueprint

bp = Blueprint("applications", __name__)
