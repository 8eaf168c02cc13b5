"""Flask commands: rq worker (more are registered by feature modules)."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

rq_cli = AppGroup("rq", help="Background job queue.")


@rq_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an rq worker inside the application context."""
    from rq import Worker

    from grants.jobs import queue

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: jobs run in-process, no worker is needed.")
    q = queue()
    Worker([q], connection=q.connection).work(burst=burst)


def register(app: Flask) -> None:
    app.cli.add_command(rq_cli)
