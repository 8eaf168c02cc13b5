"""Races on PostgreSQL: transactions at once, each in a thread of its own with its own session,
on rows the test commits for real and removes at the end.

    require_postgresql()                      # in an app context: skipped (or failed, under
                                              # REQUIRE_SERVICES=1) on another database
    results, errors = at_once(app, [task, task])  # each in its own request context
    ...
    finally:
        remove_made(app, started, calls=[call_id], users=user_ids, organisations=org_ids)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from grants.bundle.import_ import delete_call
from grants.extensions import db
from grants.models import AuditEvent, Call, Organisation, User
from tests.conftest import service_missing


def require_postgresql() -> None:
    if db.engine.dialect.name != "postgresql":
        service_missing("PostgreSQL (DATABASE_URL)")


def at_once(app, tasks: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run each task in a thread of its own, inside a request context, all started together; their
    results (None for one that raised) and what they raised. The session is removed after each,
    as at the end of a request. (A task waits at a threading.Barrier of its own making where the
    race must begin.)"""
    results: list[Any] = [None] * len(tasks)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        with app.test_request_context():
            try:
                results[index] = tasks[index]()
            except Exception as error:  # noqa: BLE001 - given back to the test to assert on
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def remove_made(
    app,
    started: datetime | None,
    calls: Iterable[int] = (),
    users: Iterable[int] = (),
    organisations: Iterable[int] = (),
) -> None:
    """Delete what the test committed: its calls with all they hold, the audit events since
    `started` (None: keep them), its users and organisations."""
    calls = list(calls)
    with app.app_context():
        for call_id in calls:
            delete_call(db.session.get(Call, call_id))
        if started is not None:
            db.session.execute(delete(AuditEvent).where(AuditEvent.at >= started))
        if users := list(users):
            db.session.execute(delete(User).where(User.id.in_(users)))
        if organisations := list(organisations):
            db.session.execute(delete(Organisation).where(Organisation.id.in_(organisations)))
        db.session.commit()
        assert not db.session.scalars(select(Call.id).where(Call.id.in_(calls))).all()
