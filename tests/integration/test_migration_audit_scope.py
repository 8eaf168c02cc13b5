"""The migration that gives audit events their call and application fills them for the events
already there, from the object each event is about."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from grants.audit import record
from grants.extensions import db
from grants.models import Assignment, Evaluation
from tests.factories import make_call, make_user
from tests.factories.awards import add_application
from tests.factories.migrations import migration_app

BEFORE = "d2ba5220db2c"  # the revision before audit events had a call and an application


def test_older_events_get_the_call_and_application_of_their_object(tmp_path):
    app = migration_app(tmp_path)
    with app.app_context():
        upgrade()
        call = make_call("OLD-1", status="evaluation")
        application = add_application(call, [4])
        stage = application.stages[0]
        assignment = db.session.scalar(select(Assignment).where(Assignment.stage_id == stage.id))
        evaluation = db.session.scalar(
            select(Evaluation).where(Evaluation.assignment_id == assignment.id)
        )
        for obj in (call, application, stage, assignment, evaluation, make_user("staff")):
            record("test.old", obj)
        db.session.commit()
        expected = {
            "Call": (call.id, None),
            "User": (None, None),
            **dict.fromkeys(
                ("Application", "ApplicationStage", "Assignment", "Evaluation"),
                (call.id, application.id),
            ),
        }
        db.session.remove()
        downgrade(revision=BEFORE)  # the events as they were: no call, no application
        upgrade()
        with db.engine.connect() as conn:
            found = {
                kind: (call_id, application_id)
                for kind, call_id, application_id in conn.execute(
                    text(
                        "SELECT object_type, call_id, application_id FROM audit_event WHERE action "
                        "= 'test.old'"
                    )
                )
            }
        db.session.remove()
        db.engine.dispose()
    assert found == expected
