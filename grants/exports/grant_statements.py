"""The grant statements of a call (docs/domain.md 6): each contract with its maximum grant, final
amount, paid, recovered and still to pay, and the totals per lot and for the call, as a workbook and
as a PDF (reports/grant_statements.py). The figures are the oversight's
(grants.oversight.queries)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from grants.exports.call_data import load_call
from grants.exports.kinds import ExportError
from grants.labels import GRANT_STATUS_LABELS
from grants.models.base import now_utc
from grants.oversight import queries
from grants.rules.problems import N_
from reports import grant_statements as report


def build_xlsx(call_id: int, locale: str, progress: Callable[[int], None], path: Path) -> str:
    call, data = _data(call_id, locale, progress)
    with force_locale(locale):
        report.write_xlsx(data, _titles(), (_("Grants"), _("Summary")), path)
    progress(90)
    return f"{call.reference}-grant-statements.xlsx"


def build_pdf(call_id: int, locale: str, progress: Callable[[int], None], path: Path) -> str:
    call, data = _data(call_id, locale, progress)
    with force_locale(locale):
        report.write_pdf(current_app.jinja_env, data, _titles(), path, locale)
    progress(90)
    return f"{call.reference}-grant-statements-{locale}.pdf"


def _titles() -> dict[str, str]:
    return {
        "number": _("Contract number"),
        "beneficiary": _("Beneficiary"),
        "partners": _("Partners"),
        "lot": _("Lot"),
        "status": _("Status"),
        "start": _("Start date"),
        "end": _("End date"),
        "max_grant": _("Maximum grant"),
        "final_amount": _("Final amount"),
        "paid": _("Paid"),
        "recovered": _("Recovered"),
        "to_pay": _("Still to pay"),
        "to_recover": _("Still to recover"),
        "label": _("Lot or call"),
        "grants": _("Grants"),
        "contracted": _("Contracted"),
        "absorption": _("Absorption"),
    }


def _data(call_id: int, locale: str, progress) -> tuple:
    call = load_call(call_id)
    rows = queries.statements(call.id)
    if not rows:
        raise ExportError(
            N_("Call %(reference)s has no grant contract yet: there is no statement to make."),
            reference=call.reference,
        )
    progress(40)
    with force_locale(locale):
        lines = [
            report.GrantLine(
                number=r.number,
                beneficiary=r.beneficiary,
                partners=r.partners,
                lot=r.lot,
                status=str(GRANT_STATUS_LABELS[r.status.value]),
                start=r.start,
                end=r.end,
                max_grant=r.max_grant,
                final_amount=r.final_amount,
                paid=r.paid,
                recovered=r.recovered,
                to_pay=r.to_pay,
                to_recover=r.to_recover,
            )
            for r in rows
        ]
        money = queries.summaries(call.id)
        totals = [_total(row) for row in money.lots]
        totals += [
            _total(row, _("Call %(reference)s", reference=call.reference)) for row in money.calls
        ]
    data = report.Statements(
        reference=call.reference,
        title=call.title,
        currency=call.currency,
        zone=call.timezone,
        made_on=now_utc().date(),
        lines=lines,
        totals=totals,
    )
    progress(60)
    return call, data


def _total(row: queries.Row, label: str | None = None) -> report.Total:
    return report.Total(
        label=label or row.label,
        grants=row.grants,
        contracted=row.contracted,
        paid=row.paid,
        to_pay=row.to_pay,
        recovered=row.recovered,
        absorption=row.absorption,
    )
