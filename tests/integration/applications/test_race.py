"""Two tabs save the same project page from the same version at the same moment (PostgreSQL): one is
written, the other is refused with nothing of it written."""

from __future__ import annotations

import threading
import uuid

import pytest

from grants.applications.services import save_project
from grants.extensions import db as _db
from grants.models import Application
from grants.models.base import now_utc
from tests.factories import make_application, make_call
from tests.factories.races import at_once, remove_made, require_postgresql


@pytest.mark.postgres
def test_of_two_simultaneous_saves_from_one_version_one_is_refused(app):
    with app.app_context():
        require_postgresql()
        started = now_utc()
        call = make_call(reference=f"RACE-AP-{uuid.uuid4().hex[:6].upper()}")
        application = make_application(call)
        _db.session.commit()
        call_id, application_id, version = call.id, application.id, application.version
        org_ids = [application.lead_id, *(p.organisation_id for p in application.partners)]
        _db.session.remove()
    barrier = threading.Barrier(2, timeout=30)

    def save(title: str):
        def task():
            loaded = _db.session.get(Application, application_id)
            barrier.wait()
            saved = save_project(loaded, {"title": title}, version)
            _db.session.commit()
            return title, saved

        return task

    try:
        done, errors = at_once(app, [save("Tab A"), save("Tab B")])
        assert not errors
        results = dict(done)
        with app.app_context():
            written = [title for title, saved in results.items() if saved.changed]
            refused = [title for title, saved in results.items() if saved.conflict is not None]
            assert len(written) == 1 and len(refused) == 1
            stored = _db.session.get(Application, application_id)
            assert (stored.title, stored.version) == (written[0], version + 1)
            assert results[refused[0]].conflict.theirs == {"title": written[0]}
    finally:
        remove_made(app, started, calls=[call_id], organisations=org_ids)
