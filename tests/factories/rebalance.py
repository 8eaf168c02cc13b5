"""A call whose evaluators' loads have drifted apart, for the rebalancing tests (issue 12.8)."""

from __future__ import annotations

from grants.models import Assignment, CallEvaluator, ConflictStatus, Evaluation
from grants.models.base import now_utc
from tests.factories import make_application, make_call, make_user


def lopsided(db, started: bool = True, locales: tuple[str, ...] = ("en",) * 5):
    """The walkthrough's loads 8/8/1/1/0: nine applications, two evaluators each; evaluator 1 has
    declared on the first application and evaluator 2 submitted the second (both stay where they
    are)."""
    call = make_call(status="evaluation", evaluators_per_application=2)
    apps = [make_application(call, status="admissible", title=f"Twin towns {n}") for n in range(9)]
    users = [
        make_user("evaluator", name=f"Assessor {n}", locale=locale)
        for n, locale in enumerate(locales, start=1)
    ]
    for user in users:
        db.session.add(CallEvaluator(call_id=call.id, user_id=user.id))
    pairs = [(app, users[0]) for app in apps[:8]] + [(app, users[1]) for app in apps[:8]]
    pairs += [(apps[8], users[2]), (apps[8], users[3])]
    made = {
        (app.id, user.id): Assignment(stage=app.stages[0], evaluator=user) for app, user in pairs
    }
    db.session.add_all(made.values())
    if started:
        declared = made[(apps[0].id, users[0].id)]
        declared.conflict, declared.conflict_declared_at = ConflictStatus.no_conflict, now_utc()
        submitted = made[(apps[1].id, users[1].id)]
        submitted.conflict, submitted.conflict_declared_at = ConflictStatus.no_conflict, now_utc()
        submitted.evaluation = Evaluation(submitted_at=now_utc())
    db.session.commit()
    return call, apps, users, made
