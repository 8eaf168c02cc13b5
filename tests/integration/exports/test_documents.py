"""Rendered documents kept once (grants/documents.py): a document is rendered on first use and read
back ever after, under a key that changes with its data and language; a submission and an issued
letter have theirs rendered in every language by a job when PRERENDER_DOCUMENTS is on (none
otherwise); the ZIP of application PDFs copies the kept files, which say what fresh renders say,
and lists the applications with their statuses in its index; a reopened application's summary is
its last submitted version."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from grants import documents
from grants.exports import application_pdfs
from grants.files import documents as document_store
from grants.letters import documents as letters
from grants.models import IssuedLetter
from grants.models.base import now_utc
from grants.submission import documents as summaries
from grants.submission.queries import receipt_for
from tests.factories import make_application, make_authority, make_call, make_org
from tests.factories.admissibility import decide as check
from tests.factories.admissibility import submitted as submitted_application
from tests.factories.submission import ready_application, submit

pytestmark = pytest.mark.usefixtures("fresh_store")


@pytest.fixture
def fresh_store(app, tmp_path, monkeypatch):
    """An empty documents space (and uploads, for the letters' e-mails), on the local disk."""
    monkeypatch.setitem(app.config, "DOCUMENT_DIR", str(tmp_path / "documents"))
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """Every summary and letter rendered from now on: its kind and language."""
    made: list[str] = []
    summary_pdf, render_pdf = summaries.summary_pdf, letters.render_pdf

    def summary(env, receipt, lang):
        made.append(f"summary {lang}")
        return summary_pdf(env, receipt, lang)

    def letter(letter, locale):
        made.append(f"letter {locale}")
        return render_pdf(letter, locale)

    monkeypatch.setattr(summaries, "summary_pdf", summary)
    monkeypatch.setattr(letters, "render_pdf", letter)
    return made


def kept() -> list[str]:
    root = document_store().root
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.pdf")) if root.exists() else []


def text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


# The store
# ------------------------------------------------------------------------------


def test_a_document_is_rendered_once_then_read_back(db):
    made: list[int] = []

    def render() -> bytes:
        made.append(1)
        return b"%PDF-1.7 the document"

    data = {"reference": "X-0001", "amount": "10.00"}
    assert documents.stored_pdf("summary", data, "en", render) == b"%PDF-1.7 the document"
    assert documents.stored_pdf("summary", dict(reversed(data.items())), "en", render) == (
        b"%PDF-1.7 the document"
    )
    assert len(made) == 1 and not documents.prerender("summary", data, "en", render)
    (key,) = kept()
    assert re.fullmatch(r"summary/[0-9a-f]{64}\.pdf", key)


def test_the_key_changes_with_the_data_the_language_and_the_kind(db):
    data = {"reference": "X-0001", "amount": "10.00"}
    key = documents.document_key("summary", data, "en")
    assert key == documents.document_key(
        "summary", {"amount": "10.00", "reference": "X-0001"}, "en"
    )
    others = {
        documents.document_key("summary", data | {"amount": "10.01"}, "en"),
        documents.document_key("summary", data, "tr"),
        documents.document_key("letter", data, "en"),
    }
    assert key not in others and len(others) == 3
    with pytest.raises(TypeError):
        documents.document_key("summary", {"when": now_utc()}, "en")  # serialised first


def test_the_render_version_covers_the_included_templates_and_stylesheets(db):
    found = documents.template_closure(["reports/decision_letter.html"])
    assert {"reports/_letter.html", "reports/partials/letterhead.html"} <= found
    css = documents.template_closure(["reports/application_summary.css"])
    assert "reports/partials/print.css" in css
    assert documents.render_version("summary") != documents.render_version("letter")


def _catalogue_changing(monkeypatch, msgid: str) -> None:
    """Every language's catalogue as it is, but for `msgid`, translated anew."""
    load = documents.support.Translations.load

    class Changed:
        def __init__(self, real):
            self.real = real

        def gettext(self, message):
            return "A NEW WORDING" if message == msgid else self.real.gettext(message)

        def ngettext(self, singular, plural, n):
            return self.real.ngettext(singular, plural, n)

    monkeypatch.setattr(
        documents.support.Translations,
        "load",
        staticmethod(lambda *args, **kwargs: Changed(load(*args, **kwargs))),
    )


def test_the_render_version_follows_the_translations_the_document_uses_only(db, monkeypatch):
    before = documents._compute_version("summary")
    with monkeypatch.context() as patched:
        _catalogue_changing(patched, "Evaluation committee")  # not in a summary
        assert documents._compute_version("summary") == before
    with monkeypatch.context() as patched:
        _catalogue_changing(patched, "Partnership statement")  # a summary's annex heading
        assert documents._compute_version("summary") != before
    assert documents._compute_version("summary") == before


# The ZIP
# ------------------------------------------------------------------------------


def finalised_call(db):
    call = make_call("KEPT-2026", status="evaluation")
    awarded = make_application(call, status="awarded", title='=HYPERLINK("x") Twin <b>towns</b>')
    awarded.stages[0].awarded_amount = awarded.requested_grant
    rejected = make_application(call, status="inadmissible")
    withdrawn = make_application(call, status="withdrawn")
    call.finalised_at = now_utc()
    db.session.commit()
    return call, awarded, rejected, withdrawn


def build(call, tmp_path, locale="en") -> dict[str, bytes]:
    path = tmp_path / f"pdfs-{locale}.zip"
    application_pdfs.build(call.id, locale, lambda percent: None, path)
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_zip_copies_the_kept_documents_which_say_what_fresh_renders_say(
    db, tmp_path, renders, monkeypatch, app
):
    call, *_rest = finalised_call(db)
    first = build(call, tmp_path)  # nothing kept: every document rendered, and kept
    assert sorted(renders) == ["letter en"] * 2 + ["summary en"] * 3
    assert len(kept()) == 5
    renders.clear()
    again = build(call, tmp_path)
    assert renders == [] and again == first  # copied, byte for byte
    monkeypatch.setitem(app.config, "DOCUMENT_DIR", str(tmp_path / "empty"))
    fresh = build(call, tmp_path)  # rendered anew
    assert len(renders) == 5 and list(fresh) == list(first)
    for name, data in first.items():
        if name.endswith(".pdf"):
            assert text(data) == text(fresh[name]), name
    assert fresh["index.csv"] == first["index.csv"]


def index_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_index_lists_every_application_with_its_status_and_files(db, tmp_path):
    call, awarded, rejected, withdrawn = finalised_call(db)
    made = build(call, tmp_path)
    assert list(made)[-1] == "index.csv"
    header, *rows = index_rows(made["index.csv"])
    assert header == ["Reference", "Title", "Lead applicant", "Lot", "Status", "Files"]
    ref = awarded.reference
    assert rows[0] == [
        ref,
        '\'=HYPERLINK("x") Twin <b>towns</b>',  # a quote: never run as a formula
        awarded.lead.name,
        "",
        "Awarded",
        f"{ref}/summary.pdf; {ref}/decision-letter.pdf",
    ]
    assert [row[4] for row in rows] == ["Awarded", "Inadmissible", "Withdrawn"]
    assert rows[2][5] == f"{withdrawn.reference}/summary.pdf"  # no letter
    assert "Awarded" not in text(made[f"{ref}/summary.pdf"])
    turkish = index_rows(build(call, tmp_path, "tr")["index.csv"])
    assert turkish[0] == [
        "Referans",
        "Başlık",
        "Lider başvuru sahibi",
        "Lot",
        "Durum",
        "Dosyalar",
    ]
    assert [row[4] for row in turkish[1:]] == [
        "Hibe verildi",
        "İdari açıdan uygun değil",
        "Geri çekildi",
    ]


# Rendered ahead, when a document stops changing
# ------------------------------------------------------------------------------


@pytest.fixture
def prerendering(app, monkeypatch):
    monkeypatch.setitem(app.config, "PRERENDER_DOCUMENTS", True)


@pytest.fixture
def lead(login_as):
    return login_as("applicant", organisation=make_org(name="Nilüfer Belediyesi"))


def test_a_submission_has_its_summary_rendered_in_every_language(
    db, lead, post, prerendering, renders
):
    application = ready_application(lead, make_call(reference="PRE-2026"), title="Green towns")
    assert submit(post, application).status_code == 302
    assert sorted(renders) == ["summary en", "summary tr"] and len(kept()) == 2
    db.session.expire_all()
    receipt = receipt_for(application)
    renders.clear()
    english, turkish = (summaries.stored_summary(receipt, locale) for locale in ("en", "tr"))
    assert "Greentowns" in text(english) and "Ortaklık" in text(turkish)
    assert renders == []  # the ZIP finds them kept


def test_without_the_setting_a_submission_renders_nothing(db, lead, post, renders):
    application = ready_application(lead, make_call(reference="PRE-2026"))
    assert submit(post, application).status_code == 302
    assert renders == [] and kept() == []


def test_a_reopened_application_shows_its_last_submitted_version(
    db, lead, post, prerendering, renders, tmp_path
):
    call = make_call(reference="PRE-2026")
    application = ready_application(lead, call, title="Green towns")
    assert submit(post, application).status_code == 302
    assert post(f"/applications/{application.id}/reopen").status_code == 302
    db.session.expire_all()
    application.title = "Greener towns, being corrected"
    db.session.commit()
    renders.clear()
    made = build(call, tmp_path)
    summary = text(made[f"{application.reference}/summary.pdf"])
    assert "Greentowns" in summary and "Greener" not in summary
    assert renders == []  # the one rendered at submission
    (_header, row) = index_rows(made["index.csv"])
    assert row[1] == "Green towns" and row[4] == "Draft"


@pytest.mark.parametrize("setting", [True, False])
def test_an_issued_letter_is_rendered_in_every_language_if_the_setting_says_so(
    db, login_as, post, renders, app, monkeypatch, setting
):
    monkeypatch.setitem(app.config, "PRERENDER_DOCUMENTS", setting)
    make_authority()
    login_as("staff")
    _application, stage = submitted_application()
    db.session.commit()
    assert check(post, stage, "inadmissible", "Unreadable annex.").status_code == 302
    (row,) = db.session.scalars(select(IssuedLetter)).all()
    # e-mailed to nobody (the lead has no member): only the job renders it
    assert sorted(renders) == (["letter en", "letter tr"] if setting else [])
    assert len(kept()) == (2 if setting else 0)


def test_through_rq_a_submission_queues_its_rendering_for_a_worker(
    app, db, lead, post, prerendering, renders, monkeypatch, redis_url
):
    from rq import SimpleWorker

    from grants.jobs import queue

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    q = queue()
    q.empty()
    application = ready_application(lead, make_call(reference="PRE-2026"))
    assert submit(post, application).status_code == 302
    queued = [job.func_name for job in q.jobs]
    assert "grants.submission.documents.prerender_summary" in queued and renders == []
    SimpleWorker([q], connection=q.connection).work(burst=True)
    assert sorted(renders) == ["summary en", "summary tr"] and len(kept()) == 2


def test_a_command_renders_what_is_not_kept_yet(app, db, renders):
    call, *_rest = finalised_call(db)
    result = app.test_cli_runner().invoke(args=["calls", "prerender", call.reference])
    assert result.exit_code == 0, result.output
    assert "Summaries of 3 submitted stage(s) and 0 issued letter(s)" in result.output
    assert sorted(renders) == ["summary en"] * 3 + ["summary tr"] * 3 and len(kept()) == 6
    renders.clear()
    assert app.test_cli_runner().invoke(args=["calls", "prerender", call.reference]).exit_code == 0
    assert renders == []
    assert app.test_cli_runner().invoke(args=["calls", "prerender", "NOPE-1"]).exit_code != 0
