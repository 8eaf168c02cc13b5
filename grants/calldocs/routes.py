"""Pages of a call's documents, clarifications and corrigenda: staff manage them, everyone reads
them."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from grants import clock, files, storage
from grants.access import requires
from grants.calldocs import access, queries, services
from grants.calldocs.forms import (
    AnswerForm,
    CorrigendumForm,
    DocumentForm,
    QuestionForm,
    ReplaceForm,
    WindowsForm,
)
from grants.calldocs.presenters import KIND_LABELS, LANGUAGE_LABELS
from grants.models import Call, CallStatus
from grants.rules.problems import InputError
from grants.rules.typed_values import local_to_utc
from grants.unit_of_work import refusals

bp = Blueprint("calldocs", __name__)


# Documents (staff) -------------------------------------------------------------------------------


def _documents_page(call: Call, form: DocumentForm, code: int = 200):
    documents = queries.documents_of(call)
    return render_template(
        "calldocs/documents.html",
        call=call,
        form=form,
        documents=documents,
        replace_forms={d.id: ReplaceForm(prefix=f"doc{d.id}") for d in documents},
        kinds=KIND_LABELS,
        languages=LANGUAGE_LABELS,
        limit=storage.human_size(current_app.config["UPLOAD_MAX_BYTES"]),
    ), code


@bp.route("/staff/calls/<int:call_id>/documents", methods=["GET", "POST"])
@requires("staff")
def documents(call_id: int):
    call = access.staff_call(call_id)
    form = DocumentForm()
    if request.method == "GET":
        return _documents_page(call, form)
    if form.validate():
        with refusals(form) as outcome:
            document = services.upload_document(
                call,
                form.kind.data,
                form.language.data,
                form.title.data,
                request.files.get("file"),
                current_user,
            )
        if outcome.ok:
            flash(_("%(name)s was uploaded.", name=document.original_name), "success")
            return redirect(url_for("calldocs.documents", call_id=call.id))
    return _documents_page(call, form, 400)


@bp.post("/staff/call-documents/<int:document_id>/replace")
@requires("staff")
def replace_document(document_id: int):
    document = access.staff_document(document_id)
    form = ReplaceForm(prefix=f"doc{document.id}")
    services.replace_document(document, request.files.get(form.file.name), current_user)
    flash(_("%(name)s was uploaded.", name=document.original_name), "success")
    return redirect(url_for("calldocs.documents", call_id=document.call_id))


@bp.post("/staff/call-documents/<int:document_id>/remove")
@requires("staff")
def remove_document(document_id: int):
    document = access.staff_document(document_id)
    services.remove_document(document)
    flash(_("%(name)s was deleted.", name=document.original_name), "success")
    return redirect(url_for("calldocs.documents", call_id=document.call_id))


# Documents (public) ------------------------------------------------------------------------------


@bp.get("/calls/<reference>/documents/<int:document_id>")
@requires("public")
def download(reference: str, document_id: int):
    return _send(access.document_to_download(reference, document_id, current_user))


@bp.get("/calls/<reference>/documents/<int:document_id>/versions/<int:version>")
@requires("public")
def download_version(reference: str, document_id: int, version: int):
    """An earlier version of a document: one a corrigendum replaced (staff: any)."""
    return _send(access.version_to_download(reference, document_id, version, current_user))


def _send(document):
    """A document's file (the current one, or an earlier version's), as an attachment."""
    response = files.uploads().download(
        services.file_key(document),
        mimetype=document.content_type,
        download_name=storage.download_name(document.original_name, document.content_type),
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"  # a replaced document is not served from a cache
    return response


# Clarifications ----------------------------------------------------------------------------------


@bp.get("/calls/<reference>/questions")
@requires("public")
def faq(reference: str):
    call = access.public_call(reference)
    return render_template(
        "calldocs/faq.html",
        call=call,
        answers=queries.published_answers(call),
        windows=queries.windows(call),
        now=clock.now(),
    )


@bp.route("/calls/<reference>/questions/ask", methods=["GET", "POST"])
@requires("signed_in")
def ask(reference: str):
    call = access.public_call(reference)
    form = QuestionForm()
    now = clock.now()
    if request.method == "POST" and form.validate():
        with refusals(form) as outcome:
            services.ask(call, current_user, form.text.data, now)
        if outcome.ok:
            flash(
                _(
                    "Your question was sent. Staff publish the answers on the call's questions and "
                    "answers page; "
                    "no question is answered individually."
                ),
                "success",
            )
            return redirect(url_for("calldocs.faq", reference=call.reference))
    code = 400 if request.method == "POST" else 200
    windows = queries.windows(call)
    return render_template(
        "calldocs/ask.html",
        call=call,
        form=form,
        windows=windows,
        open=call.status is CallStatus.published and windows.accepts_questions(now),
    ), code


def _questions_page(call: Call, form: WindowsForm, code: int = 200):
    return render_template(
        "calldocs/questions.html",
        call=call,
        questions=queries.questions_of(call),
        windows=queries.windows(call),
        form=form,
        now=clock.now(),
    ), code


@bp.get("/staff/calls/<int:call_id>/questions")
@requires("staff")
def questions(call_id: int):
    call = access.staff_call(call_id)
    return _questions_page(call, WindowsForm(obj=call))


@bp.post("/staff/calls/<int:call_id>/clarification-windows")
@requires("staff")
def windows(call_id: int):
    call = access.staff_call(call_id)
    form = WindowsForm()
    if form.validate():
        with refusals(form) as outcome:
            services.set_windows(call, form.question_window_days.data, form.answer_window_days.data)
        if outcome.ok:
            flash(_("The clarification periods were saved."), "success")
            return redirect(url_for("calldocs.questions", call_id=call.id))
    return _questions_page(call, form, 400)


@bp.route("/staff/questions/<int:question_id>", methods=["GET", "POST"])
@requires("staff")
def answer(question_id: int):
    question = access.staff_question(question_id)
    call = access.staff_call(question.call_id)
    form = AnswerForm(obj=question)
    if request.method == "POST" and form.validate():
        with refusals(form) as outcome:
            told = services.publish_answer(
                question, form.public_text.data, form.answer.data, current_user, clock.now()
            )
        if outcome.ok:
            flash(
                _("The answer is published on the call's questions and answers page.")
                + " "
                + ngettext(
                    "%(num)d applicant was told by e-mail.",
                    "%(num)d applicants were told by e-mail.",
                    told,
                ),
                "success",
            )
            return redirect(url_for("calldocs.questions", call_id=call.id))
    code = 400 if request.method == "POST" else 200
    return render_template(
        "calldocs/answer.html",
        call=call,
        question=question,
        form=form,
        windows=queries.windows(call),
        now=clock.now(),
    ), code


# Corrigenda --------------------------------------------------------------------------------------


def _deadlines(form: CorrigendumForm, call: Call) -> dict | None:
    """The deadlines the form moves, in UTC; None (errors on the form) if a time cannot be read."""
    moved = {}
    for name in ("concept_note_deadline", "deadline"):
        value = form[name].data
        if value is None:
            continue
        try:
            moved[name] = local_to_utc(value, call.timezone)
        except InputError as error:
            form[name].errors = [*form[name].errors, _(error.message, **error.params)]
    return (
        None if any(form[name].errors for name in ("concept_note_deadline", "deadline")) else moved
    )


@bp.route("/staff/calls/<int:call_id>/corrigenda", methods=["GET", "POST"])
@requires("staff")
def corrigenda(call_id: int):
    call = access.staff_call(call_id)
    form = CorrigendumForm()
    documents = queries.documents_of(call)
    form.document.choices = [SelectChoice("", _("No document"))] + [
        SelectChoice(str(d.id), f"{d.title or KIND_LABELS[d.kind]} ({LANGUAGE_LABELS[d.language]})")
        for d in documents
    ]
    if request.method == "POST" and form.validate():
        moved = _deadlines(form, call)
        chosen = next((d for d in documents if str(d.id) == form.document.data), None)
        if moved is not None:
            with refusals(form) as outcome:
                corrigendum = services.publish_corrigendum(
                    call,
                    form.reason.data,
                    moved,
                    chosen,
                    request.files.get("file"),
                    current_user,
                    clock.now(),
                )
            if outcome.ok:
                flash(
                    _(
                        "Corrigendum %(number)s is published on the call page.",
                        number=corrigendum.number,
                    ),
                    "success",
                )
                return redirect(url_for("calldocs.corrigenda", call_id=call.id))
    code = 400 if request.method == "POST" else 200
    return render_template(
        "calldocs/corrigenda.html",
        call=call,
        form=form,
        corrigenda=queries.corrigenda_of(call),
        now=clock.now(),
    ), code
