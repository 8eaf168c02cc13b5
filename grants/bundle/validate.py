"""Reading and validating a bundle: JSON, then the JSON Schema of its version (1 or 2), then the
meaning (checks.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grants.bundle.checks import check
from grants.rules.problems import Issue, Refused

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

DATA = Path(__file__).resolve().parent.parent / "data"
SCHEMAS = {
    1: DATA / "call-bundle.schema.json",
    2: DATA / "call-bundle.v2.schema.json",
}  # version -> schema
LATEST = max(SCHEMAS)
_MAX_MESSAGE = 240


class BundleError(Refused):
    """A bundle that cannot be imported or exported, with every problem found (each with its JSON
    path; in English, for the operator of the command line)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(issues=[Issue("", problem) for problem in self.problems])

    def __str__(self) -> str:
        return "\n".join(self.problems)


@cache
def validator(version: int = 1) -> Draft202012Validator:
    # imported here: jsonschema's optional format packages take seconds to import, and most
    # commands and requests never validate a bundle
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMAS[version].read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def version_of(data: Any) -> int:
    """The format version the bundle says it has, if this installation reads it; else 1, whose
    schema then names what is wrong ("version": 1 expected)."""
    version = data.get("version") if isinstance(data, dict) else None
    return (
        version
        if isinstance(version, int) and not isinstance(version, bool) and version in SCHEMAS
        else 1
    )


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
        raise BundleError(
            [f"$: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"]
        ) from error


def schema_problems(data: Any, version: int | None = None) -> list[str]:
    """The bundle's problems of shape, against the schema of its version (or of the version
    given)."""
    version = version_of(data) if version is None else version
    found = [
        f"{leaf.json_path}: {_message(leaf)}"
        for error in validator(version).iter_errors(data)
        for leaf in _leaves(error)
    ]
    if isinstance(data, dict) and "version" in data and version_of(data) != data["version"]:
        found.insert(
            0,
            f"$.version: {data['version']!r} is not a bundle version this installation reads "
            f"({', '.join(map(str, SCHEMAS))})",
        )
    return found


def problems(data: Any) -> list[str]:
    """Every problem of the bundle: its shape first; its meaning only once the shape is right."""
    return schema_problems(data) or check(data)


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The errors that tell what is wrong: through "oneOf" (a value or null) into the value's own
    errors."""
    telling = (
        [e for e in error.context or [] if e.validator != "type"]
        if error.validator == "oneOf"
        else []
    )
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
