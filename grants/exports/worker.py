"""The export worker thread: without Redis, exports are made outside the request, in the app's
process.

One thread per process and app (started by the first request, woken by each export request once its
transaction has committed) takes the waiting ReportJobs from the database, oldest first. The table
is the queue, so nothing is lost with the process: after a restart the next worker takes the jobs
still waiting. A job is claimed with one conditional UPDATE (grants.exports.jobs.claim), so that of
several processes (gunicorn workers) exactly one makes it. While it makes one, a heartbeat is
written every EXPORT_HEARTBEAT seconds; a job left running by a process that ended stops beating
and is marked failed after six of them (grants.exports.jobs.fail_stale), for staff to retry. Other
processes' requests are seen within POLL seconds.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading

from flask import Flask

from grants.exports import jobs
from grants.extensions import db

log = logging.getLogger(__name__)
POLL = 5.0  # seconds between two looks at the table while idle
KEY = "export_worker"
_lock = threading.Lock()


class Worker:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pid = os.getpid()
        self.name = f"{socket.gethostname()}:{self.pid}:{secrets.token_hex(4)}"
        self._wake, self._stop = threading.Event(), threading.Event()
        self.thread = threading.Thread(
            target=self._loop, name=f"export-worker-{self.pid}", daemon=True
        )

    @property
    def alive(self) -> bool:
        return (
            self.thread.is_alive() and self.pid == os.getpid()
        )  # a forked child has no thread of its parent

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the job in hand, if any (tests; a process that ends simply leaves the daemon
        thread)."""
        self._stop.set()
        self._wake.set()
        self.thread.join(timeout)

    def _loop(self) -> None:
        log.info("Export worker %s started", self.name)
        while not self._stop.is_set():
            self._wake.clear()
            try:
                worked = self.work_once()
            except Exception:  # the database is unreachable, say: try again later
                log.exception("Export worker %s: a round failed", self.name)
                worked = False
            if not worked:
                self._wake.wait(POLL)

    def work_once(self) -> bool:
        """Fail the stale jobs, then claim and make the oldest waiting one; whether there was
        one."""
        with self.app.app_context():
            try:
                if jobs.fail_stale():
                    db.session.commit()
                job_id = jobs.next_queued()
                if job_id is None:
                    return False
                if jobs.claim(job_id, self.name):  # else another worker took it: look again
                    with jobs.beating(job_id, self.name):
                        jobs.run_claimed(job_id, self.name)
                return True
            finally:
                db.session.remove()


def enabled(app: Flask) -> bool:
    return bool(app.config.get("JOBS_IN_THREAD")) and not app.config.get("REDIS_URL")


def ensure_started(app: Flask) -> Worker:
    """The app's worker thread in this process, started if it is not running."""
    worker = app.extensions.get(KEY)
    if worker is not None and worker.alive:
        return worker
    with _lock:
        worker = app.extensions.get(KEY)
        if worker is None or not worker.alive:
            worker = app.extensions[KEY] = Worker(app)
            worker.thread.start()
    return worker


@jobs.wakes_thread
def wake(app: Flask) -> None:
    """A job is waiting (committed): the worker takes it now instead of at its next look."""
    ensure_started(app).wake()


def start_on_request(app: Flask) -> None:
    """Start the worker with the first request each process serves (not in flask commands, which end
    soon), and again should it ever have stopped."""

    @app.before_request
    def _worker_running() -> None:
        if enabled(app):
            ensure_started(app)
