"""Fixtures shared by the integration tests: the example call imported and ranked, the command line
and an SMTP server."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from grants.models import Call
from tests.factories.awards import EXAMPLE
from tests.factories.mail import Inbox, _free_port


@pytest.fixture
def demo(app, db) -> Call:
    """The example call, imported and ranked (27 awarded, 2,572,766.00 of 2,600,000.00)."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["bundle", "import", str(EXAMPLE)]).exit_code == 0
    assert runner.invoke(args=["calls", "rank", "TTGS-DEMO"]).exit_code == 0
    return db.session.scalar(select(Call).where(Call.reference == "TTGS-DEMO"))


@pytest.fixture
def cli(app, db):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield inbox
    finally:
        app.config.update(saved)
        controller.stop()
