"""Rendered documents kept once: a PDF is rendered the first time it is asked for, kept in the
documents space of grants/files.py, and copied from there ever after.

A document's key is `<kind>/<sha256>.pdf`, the hash of its kind, its language, the render version
of its kind and a canonical serialisation of the data it is rendered from (JSON, keys sorted). New
data, another language or another way of rendering gives another key, so a kept file is never
stale and nothing is ever invalidated; a file no key names any more is merely unused.

The render version of a kind is computed once per process (per app): the WeasyPrint and Babel
versions, the sources of the kind's templates and of every template they include, import or
extend (read through the app's Jinja loader), the Python modules the kind names (its renderer, the
filters), every language's translation of each message those sources use (not the whole
catalogue: a release that only adds other messages keeps the documents) and RENDER_EPOCH, to be
raised when a change elsewhere changes how a document looks.

Features declare their kinds with `register` (grants.submission.documents: the summary of a
submitted application; grants.letters.documents: an issued letter); this module imports no
feature.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from babel import support
from babel.messages.extract import extract
from flask import current_app
from jinja2 import meta

from grants import files

RENDER_EPOCH = 1
_COMMON_MODULES = ("grants.labels", "grants.i18n", "reports.fonts")
# the gettext functions babel.cfg extracts (pybabel extract -k _l -k N_, and babel's defaults)
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "N_": None,
    "lazy_gettext": None,
}


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
    with suppress(FileNotFoundError):
        return store.get(key)
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
    sources: list[tuple[str, str]] = []
    for name in sorted(template_closure(declared.templates)):
        source, _filename, _uptodate = env.loader.get_source(env, name)
        digest.update(f"template {name}\n".encode() + source.encode())
        sources.append(("jinja2", source))
    for name in sorted(set(declared.modules) | set(_COMMON_MODULES)):
        __import__(name)
        code = Path(sys.modules[name].__file__).read_text(encoding="utf-8")
        digest.update(f"module {name}\n".encode() + code.encode())
        sources.append(("python", code))
    for line in used_translations(sources):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def used_translations(sources: list[tuple[str, str]]) -> list[str]:
    """Each language's translation of every message the sources use ((method, text): "jinja2" or
    "python", as babel.cfg extracts them), so that a release that adds or changes other messages
    keeps the kept documents (a kind's whole catalogue would change with every release)."""
    found: set[str | tuple[str, ...]] = set()
    for method, text in sources:
        for _line, message, _comments, _context in extract(
            method,
            io.BytesIO(text.encode()),
            keywords=KEYWORDS,
            options={"extensions": "jinja2.ext.i18n"} if method == "jinja2" else {},
        ):
            if isinstance(message, tuple):  # ngettext's (singular, plural); other calls' first
                message = tuple(message[:2]) if len(message) > 1 and message[1] else message[0]
            if message:
                found.add(message)
    lines = []
    for locale in current_app.config["LANGUAGES"]:
        catalogue = support.Translations.load(
            str(Path(current_app.root_path) / "translations"), [locale]
        )
        for message in sorted(found, key=repr):
            if isinstance(message, tuple):
                text = " | ".join(catalogue.ngettext(message[0], message[1], n) for n in (1, 2, 5))
            else:
                text = catalogue.gettext(message)
            lines.append(f"{locale} {message!r} {text}")
    return lines


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
