"""The call bundle (grants.bundle) as an export job: the whole call as JSON, validated before it is
written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from grants.bundle import BundleError, dumps, export_bundle
from grants.exports.call_data import load_call
from grants.exports.kinds import ExportError
from grants.rules.problems import N_


def build(call_id: int, locale: str, progress: Callable[[int], None], path: Path) -> str:
    call = load_call(call_id)
    try:
        bundle = export_bundle(call)
    except BundleError as error:
        raise ExportError(
            N_("The call cannot be exported as a bundle: %(problems)s"),
            problems="; ".join(error.problems[:5]),
        ) from error
    progress(80)
    path.write_text(dumps(bundle), encoding="utf-8")
    return f"{call.reference}-bundle.json"
