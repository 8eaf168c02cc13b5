"""How an export request's status reads on the pages."""

from __future__ import annotations

from grants.i18n import lazy_gettext as _l
from grants.models import JobStatus

STATUS_LABELS = {
    JobStatus.queued: _l("Waiting"),
    JobStatus.running: _l("Running"),
    JobStatus.finished: _l("Done"),
    JobStatus.failed: _l("Failed"),
}


def export_status(status: JobStatus) -> str:
    return str(STATUS_LABELS.get(status, status.value))
