"""The shape of the code (issue 15): no import circles, no feature importing another's routes,
features importing downwards only. Read from the import graph that grimp builds of every import
statement, those inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

# The shared kernel (imported by any feature, importing none) and the features from the bottom up: a
# feature may import the kernel and the features listed before it, never one after it.
KERNEL = (
    "rules",
    "models",
    "extensions",
    "labels",
    "audit",
    "status",
    "access",
    "jobs",
    "mail",
    "security",
    "storage",
    "files",
    "documents",
    "signals",
    "clock",
    "i18n",
    "errors",
    "unit_of_work",
    "observability",
    "paging",
)
FEATURES = (
    "auth",
    "settings",
    "letters",
    "calls",
    "calldocs",
    "applications",
    "logframe",
    "partners",
    "submission",
    "admissibility",
    "evaluation",
    "committee",
    "awards",
    "contracts",
    "payments",
    "reporting",
    "amendments",
    "oversight",
    "reminders",
    "bundle",
    "exports",
    "auditlog",
    "admin",
    "public",
    "ops",
)
TOP = (
    "",
    "cli",
    "demo",
    "demo_data",
    "demo_grants",
    "demo_records",
    "templating",
)  # the factory and what it wires together: may import anything


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("grants", include_external_packages=False, cache_dir=None)


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_import_circles(graph):
    circles = [
        (a, b)
        for a in graph.modules
        for b in graph.find_modules_directly_imported_by(a)
        if a < b and graph.chain_exists(importer=b, imported=a)
    ]
    assert not circles, f"modules in an import circle: {circles[:10]}"


def test_no_feature_imports_another_features_routes(graph):
    wrong = [
        (a, b)
        for a in graph.modules
        for b in graph.find_modules_directly_imported_by(a)
        if b.endswith(".routes") and _package(a) != _package(b) and a != "grants"
    ]
    assert not wrong, wrong


def test_features_import_downwards_only(graph):
    rank = {name: i for i, name in enumerate(FEATURES)}
    wrong = []
    for a in graph.modules:
        for b in graph.find_modules_directly_imported_by(a):
            pa, pb = _package(a), _package(b)
            if pa == pb or pa in TOP:
                continue
            if pa in KERNEL and pb in rank:
                wrong.append(f"{a} (kernel) imports {b} (feature)")
            elif pa in rank and pb in rank and rank[pb] > rank[pa]:
                wrong.append(f"{a} imports {b}, a feature above it")
    assert not wrong, "\n".join(sorted(wrong))


def test_every_package_has_a_place_in_the_layers(graph):
    """A new package must be placed (kernel, a feature at its level, or the top) for the test above
    to check it."""
    placed = set(KERNEL) | set(FEATURES) | set(TOP) | {"translations", "data"}
    unplaced = sorted({_package(m) for m in graph.modules} - placed)
    assert not unplaced, f"packages with no place in the layers: {unplaced}"


def test_rules_import_nothing_of_grants_but_rules(graph):
    wrong = [
        (a, b)
        for a in graph.modules
        if _package(a) == "rules"
        for b in graph.find_modules_directly_imported_by(a)
        if _package(b) != "rules"
    ]
    assert not wrong, wrong


def test_reports_import_nothing_of_grants_but_rules():
    """The document builders take plain data: of grants they may use the pure rules only."""
    wrong = []
    for path in sorted((Path(__file__).resolve().parents[2] / "reports").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            wrong += [
                f"{path.name}: {name}"
                for name in names
                if name.split(".")[0] == "grants" and not name.startswith("grants.rules")
            ]
    assert not wrong, wrong
