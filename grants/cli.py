"""Flask commands: call bundles, ranking, documents rendered ahead, demo data, rq worker."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from grants.extensions import db

if TYPE_CHECKING:
    from grants.awards import Ranking

rq_cli = AppGroup("rq", help="Background job queue.")
bundle_cli = AppGroup("bundle", help="Import and export call bundles (JSON).")
calls_cli = AppGroup("calls", help="Rank calls and decide awards.")
reminders_cli = AppGroup("reminders", help="Reminders (docs/domain.md 8).")
grants_cli = AppGroup("grants", help="Grants after the award (docs/domain.md 7).")


@rq_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an rq worker inside the application context, with rq's scheduler (the reminder scans are
    jobs enqueued at a time): first the work left waiting while Redis was down.

    A SimpleWorker runs each job in this process: a forked work horse would share the database
    connections of the pool with its parent."""
    from rq import SimpleWorker

    from grants.jobs import queue

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set: jobs run in-process, no worker is needed."
        )
    _resend()
    from grants.reminders.scheduling import ensure_scheduled

    if ensure_scheduled():
        click.echo("Reminder scans scheduled.")
    q = queue()
    SimpleWorker([q], connection=q.connection).work(burst=burst, with_scheduler=True)


@reminders_cli.command("send")
def reminders_send() -> None:
    """Send the reminders due now (each once): one scan, for cron or by hand."""
    from grants.reminders.scheduling import run_scan

    click.echo(f"Reminders sent: {run_scan()}.")


@rq_cli.command("resend")
def resend() -> None:
    """Queue again the e-mails and exports still waiting that the queue does not have (after Redis
    was down)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set: jobs run in-process, nothing waits for a queue."
        )
    _resend()


def _resend() -> None:
    """Queue again what waits, and store as failed the exports whose worker is gone (pages only show
    them so)."""
    from grants.exports.jobs import settle_lost
    from grants.jobs import QueueUnavailable, resend_pending

    try:
        click.echo(f"Queued again: {resend_pending()} waiting job(s).")
    except QueueUnavailable as error:
        raise click.ClickException(f"The job queue is unreachable: {error}") from error
    lost = settle_lost()
    db.session.commit()
    if lost:
        click.echo(f"Marked failed: {lost} export(s) whose worker is gone (staff can retry them).")


@bundle_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace", is_flag=True, help="Replace the call of the same reference and everything of it."
)
def bundle_import(path: Path, replace: bool) -> None:
    """Import the call bundle PATH: all of it in one transaction, or nothing."""
    from grants.bundle import BundleError, import_bundle, load
    from grants.models import Application

    try:
        call = import_bundle(load(path), replace=replace)
        db.session.commit()
    except BundleError as error:
        db.session.rollback()
        raise click.ClickException(
            f"{path} was not imported:\n" + "\n".join(f"  {p}" for p in error.problems)
        )
    except BaseException:
        db.session.rollback()
        raise
    count = db.session.scalar(
        select(func.count()).select_from(Application).where(Application.call_id == call.id)
    )
    click.echo(f"Imported call {call.reference} with {count} applications.")


@bundle_cli.command("export")
@click.argument("reference")
@click.argument("path")
@click.option(
    "--format-version",
    type=click.Choice(["1", "2"]),
    default="2",
    show_default=True,
    help="Bundle format: 2 adds the overrides and the declarations of impartiality and conflict of "
    "interest to what version 1 holds.",
)
def bundle_export(reference: str, path: str, format_version: str) -> None:
    """Export the call REFERENCE as a bundle to PATH ("-" for standard output)."""
    from grants.bundle import BundleError, dumps, export_bundle
    from grants.models import Call

    call = db.session.scalar(select(Call).where(Call.reference == reference))
    if call is None:
        raise click.ClickException(f"There is no call with reference {reference}.")
    try:
        text = dumps(export_bundle(call, int(format_version)))
    except BundleError as error:
        raise click.ClickException(
            f"{reference} cannot be exported:\n" + "\n".join(f"  {p}" for p in error.problems)
        )
    if path == "-":
        click.echo(text)
    else:
        Path(path).write_text(text, encoding="utf-8")
        click.echo(f"Exported call {reference} to {path}.")


@calls_cli.command("rank")
@click.argument("reference")
@click.option("--discard-overrides", is_flag=True, help="Discard staff overrides and rank again.")
def calls_rank(reference: str, discard_overrides: bool) -> None:
    """Rank the call REFERENCE per lot and propose its awards (or shortlist), then print the
    ranking."""
    from grants.awards import RankingError, rank_call
    from grants.models import Call
    from grants.rules.problems import Refused

    call_id = db.session.scalar(select(Call.id).where(Call.reference == reference))
    if call_id is None:
        raise click.ClickException(f"There is no call with reference {reference}.")
    try:
        ranking = rank_call(call_id, discard_overrides=discard_overrides)
        db.session.commit()
    except (RankingError, Refused) as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    except BaseException:
        db.session.rollback()
        raise
    _echo_ranking(ranking)


@calls_cli.command("prerender")
@click.argument("reference")
def calls_prerender(reference: str) -> None:
    """Render and keep, in every language, the summaries of the call REFERENCE's submitted
    applications and its issued letters, those not kept yet (e.g. after an upgrade that changed how
    documents look, so that the next ZIP of application PDFs only copies files): jobs for the rq
    workers, or done here without Redis."""
    from grants.jobs import enqueue
    from grants.letters.documents import BATCH, prerender_letters
    from grants.models import Application, ApplicationStage, Call, IssuedLetter
    from grants.submission.documents import prerender_summaries

    call_id = db.session.scalar(select(Call.id).where(Call.reference == reference))
    if call_id is None:
        raise click.ClickException(f"There is no call with reference {reference}.")
    stages = db.session.scalars(
        select(ApplicationStage.id)
        .join(Application)
        .where(Application.call_id == call_id, ApplicationStage.submitted_at.is_not(None))
        .order_by(ApplicationStage.id)
    ).all()
    letters = db.session.scalars(
        select(IssuedLetter.id).where(IssuedLetter.call_id == call_id).order_by(IssuedLetter.id)
    ).all()
    db.session.rollback()
    for job, ids in ((prerender_summaries, stages), (prerender_letters, letters)):
        for start in range(0, len(ids), BATCH):
            enqueue(job, list(ids[start : start + BATCH]), timeout=60 * 60)
    click.echo(
        f"Summaries of {len(stages)} submitted stage(s) and {len(letters)} issued letter(s) of "
        f"{reference} rendered where not kept yet"
        + (" (queued for the workers)." if current_app.config.get("REDIS_URL") else ".")
    )


@calls_cli.command("settle-scores")
@click.argument("reference")
def calls_settle_scores(reference: str) -> None:
    """Compute again and store the final scores of the call REFERENCE from its evaluations (the
    repair step, e.g. after evaluations were changed outside the application); statuses and
    decisions are left as they are: `calls rank` decides from the stored scores."""
    from grants.evaluation.queries.scores import Progress
    from grants.evaluation.services.settle import settle_scores
    from grants.models import Call
    from grants.rules.problems import Refused

    call = db.session.scalar(select(Call).where(Call.reference == reference))
    if call is None:
        raise click.ClickException(f"There is no call with reference {reference}.")
    try:
        scores = settle_scores(call)
        db.session.commit()
    except Refused as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    except BaseException:
        db.session.rollback()
        raise
    scored = sum(1 for score in scores.values() if score.progress is Progress.scored)
    click.echo(
        f"Stored the final scores of {scored} of {len(scores)} evaluated application stage(s) of "
        f"{reference}."
    )


@grants_cli.command("settle")
@click.argument("reference")
def grants_settle(reference: str) -> None:
    """Compute and store the final amount and balance of every grant of the call REFERENCE whose
    final report is approved (the same function as the approval page: grants.reporting.services.
    settle), and print them; run again, it computes them again."""
    from grants import clock
    from grants.models import Call
    from grants.reporting.queries import grants_to_settle
    from grants.reporting.services import settle
    from grants.rules.problems import Refused

    call = db.session.scalar(select(Call).where(Call.reference == reference))
    if call is None:
        raise click.ClickException(f"There is no call with reference {reference}.")
    try:
        now = clock.now()
        settlements = [settle(grant, None, now) for grant, _report in grants_to_settle(call)]
        db.session.commit()
    except Refused as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    except BaseException:
        db.session.rollback()
        raise
    if not settlements:
        click.echo(f"No grant of {reference} has an approved final report.")
        return
    click.echo(_SETTLE_ROW.format("Grant", "Final amount", "Pre-financing", "Balance", "Amount"))
    for s in settlements:
        click.echo(
            _SETTLE_ROW.format(
                s.grant.number,
                _amount(s.result.amount),
                _amount(s.grant.prefinancing_paid),
                s.balance.kind.value + (" (closed)" if s.closed else ""),
                _amount(s.balance.amount),
            )
        )


@grants_cli.command("refresh-dues")
def grants_refresh_dues() -> None:
    """Recompute what falls due on every grant (the table the oversight page and the payments
    overview read, kept up to date by every write: grants.payments.dues); print the count."""
    from grants.payments.dues import refresh_all

    grants, rows = refresh_all(db.session)
    db.session.commit()
    click.echo(f"Recomputed what is due on {grants} grant(s): {rows} item(s).")


_SETTLE_ROW = "{:<24} {:>14} {:>14}  {:<16} {:>14}"
_RANK_ROW = "{:>4}  {:<20} {:>6}  {:>12}  {:>12}  {:<15} {:>12}"


def _amount(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _echo_ranking(ranking: Ranking) -> None:
    """One table per stage and lot, then the applications that could not be ranked yet."""
    from grants.rules.scoring import display

    for lot in ranking.lots:
        stage = "Concept notes" if lot.stage.value == "concept_note" else "Full applications"
        where = f"lot {lot.lot} {lot.name}" if lot.lot else "whole call"
        click.echo(f"\n{ranking.reference}, {stage}, {where} (budget {_amount(lot.budget)})")
        click.echo(
            _RANK_ROW.format(
                "Rank", "Reference", "Score", "Requested", "Cumulative", "Status", "Awarded"
            )
        )
        for row in lot.rows:
            click.echo(
                _RANK_ROW.format(
                    row.rank,
                    row.reference,
                    str(display(row.final_score)),
                    _amount(row.requested_grant),
                    _amount(row.cumulative_awarded),
                    row.status.value,
                    _amount(row.awarded_amount),
                )
            )
        if lot.stage.value == "full_application":
            click.echo(f"Awarded {_amount(lot.awarded_total)} of {_amount(lot.budget)}.")
    click.echo(f"\nBelow threshold: {len(ranking.below_threshold)}.")
    click.echo(
        "Waiting for an extra evaluator: "
        + (", ".join(ranking.needs_extra_evaluator) or "none")
        + ". Missing evaluations: "
        + (", ".join(ranking.missing_evaluations) or "none")
        + "."
    )


@click.command("demo")
@click.option(
    "--url", default="http://127.0.0.1:5000", show_default=True, help="Where the app is served."
)
def demo(url: str) -> None:
    """Load the demo accounts and calls (safe to run again: existing data is kept)."""
    from grants.demo import (
        ACCOUNTS,
        EVALUATION_CALL,
        EXAMPLE_CALL,
        LEAD_DOMAIN,
        OPEN_CALL,
        PASSWORD,
        load_demo,
    )

    try:
        load_demo()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    click.echo(
        f"Demo data loaded (data already there is kept; `make clean` starts afresh). Open {url} "
        f"and log in "
        f"with one of these accounts (password: {PASSWORD}):"
    )
    for email, what in ACCOUNTS:
        click.echo(f"  {email:<26} {what}")
    click.echo(
        f"Calls: {OPEN_CALL} (open for submissions), the example call {EXAMPLE_CALL} (48 "
        f"applications) and "
        f"{EVALUATION_CALL} (in evaluation)."
    )
    click.echo(
        f"Each lead municipality of {EXAMPLE_CALL} has a project officer who receives its decision "
        f"letter, "
        f"e.g. kadikoy@{LEAD_DOMAIN}; the assessors are assessor1@example.org to "
        f"assessor12@example.org. "
        f"Same password."
    )
    from grants.demo_records import lead_with_request

    click.echo(
        f"The committee of {EXAMPLE_CALL} (chair staff@example.org) has approved the ranking: "
        f"staff can finalise. {lead_with_request()} has a document to send for {EVALUATION_CALL}."
    )
    from grants.demo_grants import DECIDED_CALL

    click.echo(
        f"{DECIDED_CALL} is decided; its grants are at every stage: a contract for "
        f"applicant@example.org to sign, a payment and an amendment for staff@example.org, an "
        f"interim report due, a recovery due, a grant closed."
    )


def register(app: Flask) -> None:
    app.cli.add_command(rq_cli)
    app.cli.add_command(bundle_cli)
    app.cli.add_command(calls_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(grants_cli)
    app.cli.add_command(demo)
