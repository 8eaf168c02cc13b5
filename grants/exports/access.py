"""Who may have an export's file: staff only; to anyone else, signed in or not, there is nothing
here (404)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from grants.access import load_or_404
from grants.exports.jobs import stored_file
from grants.exports.queries import get_job
from grants.models import ReportJob


def staff_file(job_id: int) -> tuple[ReportJob, str]:
    """The finished job and its file's key in the exports space (grants/files.py), for staff; 404
    for anyone else and for a job without a file."""
    if not (current_user.is_authenticated and current_user.has_role("staff")):
        abort(404)
    job = load_or_404(get_job(job_id))
    return job, load_or_404(stored_file(job))
