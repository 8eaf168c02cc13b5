"""Rendered documents kept once: a PDF is rendered the first time it is asked for, kept in the
documents space of grants/files.py, and copied from there ever after.

A document's key is `<kind>/<sha256>.pdf`, the hash of its kind, its language, the render version
of its kind and a canonical serialisation of the data it is rendered from (JSON, keys sorted). New
data, another language or another way of rendering gives another key, so a kept file is never
stale and nothing is ever invalidated; a file no key names any more is merely unused.

The render version of a kind is computed once per process (per app): the WeasyPrint and Babel
versions, the sources of the kind's templates and of every template they include, import or
extend (read through the app's Jinja loader), the compiled catalogues of every language, the
Python modules the kind names (its renderer, the filters) and RENDER_EPOCH, to be raised when a
change elsewhere changes how a document looks.

Features declare their kinds with `register` (grants.submission.documents: the summary of a
submitted application; grants.letters.documents: an issued letter); this module imports no
feature.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from flask import current_app
from jinja2 import meta

from grants import files

RENDER_EPOCH = 1
_COMMON_MODULES = ("grants.labels", "grants.i18n", "reports.fonts")


@dataclass(frozen=True)
class Kind:
    templates: tuple[str, ...]  # the templates the kind renders (their includes are found)
    modules: tuple[str, ...]  # the Python modules whose code decides what it looks like


_KINDS: dict[str, Kind] = {}


def register(kind: str, templates: Iterable[str], modules: Iterable[str]) -> None:
    """Declare a kind of document: the templates it is rendered from and the modules that render
    it (dotted names)."""
    _KINDS[kind] = Kind(tuple(templates), tuple(modules))


def stored_pdf(kind: str, data: dict, locale: str, render: Callable[[], bytes]) -> bytes:
    """The document kept under the key of (kind, data, locale); rendered by `render()` and kept
    first if there is none."""
    key, store = document_key(kind, data, locale), files.documents()
    try:
        return store.get(key)
    except FileNotFoundError:
        pass
    pdf = render()
    store.put(key, pdf)
    return pdf


def prerender(kind: str, data: dict, locale: str, render: Callable[[], bytes]) -> bool:
    """Keep the document if it is not kept yet (nothing is read back); whether it was rendered."""
    key, store = document_key(kind, data, locale), files.documents()
    if store.exists(key):
        return False
    store.put(key, render())
    return True


def document_key(kind: str, data: dict, locale: str) -> str:
    """`<kind>/<64 hex digits>.pdf`: the hash of the kind, locale, render version and data."""
    text = json.dumps(
        {"kind": kind, "locale": locale, "render": render_version(kind), "data": data},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_refused,
    )
    return f"{kind}/{hashlib.sha256(text.encode()).hexdigest()}.pdf"


def _refused(value):
    raise TypeError(f"not JSON data: {type(value).__name__} (serialise it first)")


def render_version(kind: str) -> str:
    """The hash of what renders a kind of document, computed once per app."""
    versions = current_app.extensions.setdefault("document_versions", {})
    if kind not in versions:
        versions[kind] = _compute_version(kind)
    return versions[kind]


def _compute_version(kind: str) -> str:
    declared = _KINDS[kind]  # KeyError: a kind nobody registered
    digest = hashlib.sha256(f"epoch {RENDER_EPOCH}\n".encode())
    for package in ("weasyprint", "babel", "pydyf"):
        digest.update(f"{package} {version(package)}\n".encode())
    env = current_app.jinja_env
    for name in sorted(template_closure(declared.templates)):
        source, _filename, _uptodate = env.loader.get_source(env, name)
        digest.update(f"template {name}\n".encode() + source.encode())
    for name in sorted(set(declared.modules) | set(_COMMON_MODULES)):
        __import__(name)
        digest.update(f"module {name}\n".encode() + Path(sys.modules[name].__file__).read_bytes())
    translations = Path(current_app.root_path) / "translations"
    for catalogue in sorted(translations.glob("*/LC_MESSAGES/*.mo")):
        relative = catalogue.relative_to(translations)
        digest.update(f"catalogue {relative}\n".encode() + catalogue.read_bytes())
    return digest.hexdigest()


def template_closure(names: Iterable[str]) -> set[str]:
    """The templates and every template they include, import or extend, found in their sources;
    a name only known when rendering brings in every print template (reports/)."""
    env = current_app.jinja_env
    found: set[str] = set()
    waiting = list(names)
    while waiting:
        name = waiting.pop()
        if name in found:
            continue
        found.add(name)
        source = env.loader.get_source(env, name)[0]
        for referenced in meta.find_referenced_templates(env.parse(source)):
            if referenced is None:  # dynamic: every print template
                waiting += env.list_templates(filter_func=lambda n: n.startswith("reports/"))
            else:
                waiting.append(referenced)
    return found
