"""Without Redis: a thread of each app process runs the reminder scan every REMINDER_INTERVAL
seconds (started by the first request, as the export worker is). Several processes may scan at
once: each reminder's key is claimed once in the sent-reminders table, so it is sent once."""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask

from grants.extensions import db
from grants.reminders.scheduling import interval, run_scan

log = logging.getLogger(__name__)
KEY = "reminder_runner"
_lock = threading.Lock()


class Runner:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pid = os.getpid()
        self._stop = threading.Event()
        self.thread = threading.Thread(
            target=self._loop, name=f"reminder-runner-{self.pid}", daemon=True
        )

    @property
    def alive(self) -> bool:
        return self.thread.is_alive() and self.pid == os.getpid()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            with self.app.app_context():
                seconds = interval().total_seconds()
            self._stop.wait(seconds)

    def run_once(self) -> int:
        """One scan in its own app context; 0 if it failed (logged; the next round tries again)."""
        with self.app.app_context():
            try:
                return run_scan()
            except Exception:  # the database is unreachable, say
                log.exception("Reminder runner: a scan failed")
                db.session.rollback()
                return 0
            finally:
                db.session.remove()


def enabled(app: Flask) -> bool:
    return (
        bool(app.config.get("JOBS_IN_THREAD"))
        and not app.config.get("REDIS_URL")
        and int(app.config.get("REMINDER_INTERVAL", 3600)) > 0
    )


def ensure_started(app: Flask) -> Runner:
    runner = app.extensions.get(KEY)
    if runner is not None and runner.alive:
        return runner
    with _lock:
        runner = app.extensions.get(KEY)
        if runner is None or not runner.alive:
            runner = app.extensions[KEY] = Runner(app)
            runner.thread.start()
    return runner


def start_on_request(app: Flask) -> None:
    """Start the runner with the first request each process serves (not in flask commands)."""

    @app.before_request
    def _runner_running() -> None:
        if enabled(app):
            ensure_started(app)
