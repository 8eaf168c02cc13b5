"""Restricted calls: a call whose concept notes are closed, concept notes in a status, invitations
and the pages' text."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import func, select

from grants.extensions import db as database
from grants.i18n import local_time
from grants.models import Application, ApplicationStage, Call, Stage
from grants.models.base import now_utc
from tests.factories import make_call, make_org
from tests.factories.submission import ready_application


def text(response) -> str:
    """The page's text without its tags, white space collapsed, as a reader sees it."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.get_data(as_text=True))).split())


def when(moment, call: Call) -> str:
    """A time as the pages show it in the call's zone (white space collapsed like `text`)."""
    return " ".join(local_time(moment, call.timezone).split())


def restricted_call(**kw) -> Call:
    """A restricted call in evaluation: concept notes closed 10 days ago, full applications due in
    20 days."""
    call = make_call(
        kw.pop("reference", None),
        procedure="restricted",
        status="evaluation",
        opens_in=timedelta(days=-40),
        deadline_in=timedelta(days=20),
        **kw,
    )
    call.concept_note_deadline = now_utc() - timedelta(days=10)
    database.session.flush()
    return call


def concept_note(
    call: Call, status: str = "shortlisted", lead=None, rank: int | None = None, **kw
) -> Application:
    """A complete application (documents included) whose concept note was submitted and has
    `status`."""
    application = ready_application(lead or make_org(), call, status=status, **kw)
    note = application.stages[0]
    note.stage, note.rank = Stage.concept_note, rank
    database.session.commit()
    return application


def invite(post, call: Call, **kw):
    return post(f"/staff/calls/{call.id}/invitations", **kw)


def full_stage(application: Application) -> ApplicationStage | None:
    database.session.expire_all()
    return application.stage(Stage.full_application)


def count(model, *where) -> int:
    return database.session.scalar(select(func.count()).select_from(model).where(*where))
