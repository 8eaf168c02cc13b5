"""Reading and validating a bundle: JSON, then the JSON Schema, then the meaning (checks.py)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grants.bundle.checks import check

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "call-bundle.schema.json"
_MAX_MESSAGE = 240


class BundleError(Exception):
    """A bundle that cannot be imported or exported, with every problem found (each with its JSON path)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@cache
def validator() -> Draft202012Validator:
    # imported here: jsonschema's optional format packages take seconds to import, and most
    # commands and requests never validate a bundle
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def load(path: str | Path) -> Any:
    """The parsed JSON of a bundle file."""
    try:
        return parse(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise BundleError([f"$: not UTF-8 text ({error.reason} at byte {error.start})"]) from error


def parse(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BundleError([f"$: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"]) from error


def schema_problems(data: Any) -> list[str]:
    return [f"{leaf.json_path}: {_message(leaf)}" for error in validator().iter_errors(data) for leaf in _leaves(error)]


def problems(data: Any) -> list[str]:
    """Every problem of the bundle: its shape first; its meaning only once the shape is right."""
    return schema_problems(data) or check(data)


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The errors that tell what is wrong: through "oneOf" (a value or null) into the value's own errors."""
    telling = [e for e in error.context or [] if e.validator != "type"] if error.validator == "oneOf" else []
    if not telling:
        yield error
    for inner in telling:
        yield from _leaves(inner)


def _message(error: ValidationError) -> str:
    message = error.message
    if error.validator == "oneOf" and error.context:  # only wrong types left: name them
        kinds = " or ".join(repr(e.validator_value) for e in error.context)
        message = f"{error.instance!r} is not of type {kinds}"
    return message if len(message) <= _MAX_MESSAGE else message[:_MAX_MESSAGE] + "..."
