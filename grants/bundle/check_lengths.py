"""A bundle's texts fit their columns: each text field of the bundle, selected by its JSON path,
against the length of the column it is stored in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from grants.models import (
    Application,
    BudgetLine,
    Call,
    Criterion,
    GridSection,
    Lot,
    Organisation,
    User,
)

_LENGTHS = [
    (("call", "title"), Call.title),
    (("call", "timezone"), Call.timezone),
    (("call", "lots", "*", "name"), Lot.name),
    (("call", "evaluation", "grids", "*", "tie_break_section"), GridSection.code),
    (("call", "evaluation", "grids", "*", "sections", "*", "code"), GridSection.code),
    (("call", "evaluation", "grids", "*", "sections", "*", "title"), GridSection.title),
    (
        ("call", "evaluation", "grids", "*", "sections", "*", "criteria", "*", "code"),
        Criterion.code,
    ),
    (
        ("call", "evaluation", "grids", "*", "sections", "*", "criteria", "*", "title"),
        Criterion.title,
    ),
    (("organisations", "*", "name"), Organisation.name),
    (("organisations", "*", "region"), Organisation.region),
    (("organisations", "*", "legal_id"), Organisation.legal_id),
    (("evaluators", "*", "name"), User.name),
    (("evaluators", "*", "email"), User.email),
    (("applications", "*", "reference"), Application.reference),
    (("applications", "*", "title"), Application.title),
    (("applications", "*", "acronym"), Application.acronym),
    (("applications", "*", "theme"), Application.theme),
    (("applications", "*", "budget", "lines", "*", "description"), BudgetLine.description),
    (("applications", "*", "budget", "lines", "*", "unit"), BudgetLine.unit),
    (("staff", "*", "name"), User.name),
    (("staff", "*", "email"), User.email),
]


def check_lengths(data: dict, problems: list[str]) -> None:
    for selector, column in _LENGTHS:
        limit = column.type.length
        for path, value in _select(data, selector, "$"):
            if isinstance(value, str) and len(value) > limit:
                problems.append(f"{path}: longer than {limit} characters")


def _select(node: Any, selector: tuple[str, ...], path: str) -> Iterator[tuple[str, Any]]:
    """(path, value) of every value the selector reaches; "*" is every item of a list or dict."""
    if not selector:
        yield path, node
        return
    head, rest = selector[0], selector[1:]
    if head == "*" and isinstance(node, list):
        for i, item in enumerate(node):
            yield from _select(item, rest, f"{path}[{i}]")
    elif head == "*" and isinstance(node, dict):
        for key, item in node.items():
            yield from _select(item, rest, f"{path}.{key}")
    elif isinstance(node, dict) and node.get(head) is not None:
        yield from _select(node[head], rest, f"{path}.{head}")
