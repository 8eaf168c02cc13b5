"""Two tabs save the same project page from the same version at the same moment (PostgreSQL): one is
written, the other is refused with nothing of it written."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import delete, select

from grants.applications.services import save_project
from grants.bundle.import_ import delete_call
from grants.extensions import db as _db
from grants.models import Application, AuditEvent, Call, Organisation
from grants.models.base import now_utc
from tests.conftest import service_missing
from tests.factories import make_application, make_call


@pytest.mark.postgres
def test_of_two_simultaneous_saves_from_one_version_one_is_refused(app):
    with app.app_context():
        if _db.engine.dialect.name != "postgresql":
            service_missing("PostgreSQL (DATABASE_URL)")
        started = now_utc()
        call = make_call(reference=f"RACE-AP-{uuid.uuid4().hex[:6].upper()}")
        application = make_application(call)
        _db.session.commit()
        call_id, application_id, version = call.id, application.id, application.version
        org_ids = [application.lead_id, *(p.organisation_id for p in application.partners)]
        _db.session.remove()
    barrier, results, errors = threading.Barrier(2, timeout=30), {}, []

    def save(title: str) -> None:
        with app.test_request_context():
            try:
                loaded = _db.session.get(Application, application_id)
                barrier.wait()
                results[title] = save_project(loaded, {"title": title}, version)
                _db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=save, args=(title,)) for title in ("Tab A", "Tab B")]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with app.app_context():
            assert not errors
            written = [title for title, saved in results.items() if saved.changed]
            refused = [title for title, saved in results.items() if saved.conflict is not None]
            assert len(written) == 1 and len(refused) == 1
            stored = _db.session.get(Application, application_id)
            assert (stored.title, stored.version) == (written[0], version + 1)
            assert results[refused[0]].conflict.theirs == {"title": written[0]}
    finally:
        with app.app_context():
            delete_call(_db.session.get(Call, call_id))
            _db.session.execute(delete(AuditEvent).where(AuditEvent.at >= started))
            _db.session.execute(delete(Organisation).where(Organisation.id.in_(org_ids)))
            _db.session.commit()
            assert _db.session.scalar(select(Call).where(Call.id == call_id)) is None
