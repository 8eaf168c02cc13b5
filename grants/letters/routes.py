"""Staff pages of a call's letters: the register, the letters to send by post, a letter's PDF."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from grants.access import load_or_404, requires
from grants.extensions import db
from grants.i18n import local_time
from grants.letters import queries as letter_queries
from grants.letters import services as letter_services
from grants.letters.documents import stored_letter
from grants.letters.forms import PostedForm
from grants.models import Call

bp = Blueprint("letters", __name__, url_prefix="/staff/calls/<int:call_id>/letters")


def _call(call_id: int) -> Call:
    return load_or_404(db.session.get(Call, call_id))


@bp.get("")
@requires("staff")
def index(call_id: int):
    call = _call(call_id)
    page = letter_queries.register_page(call.id, request.args.get("page", 1, type=int))
    return render_template(
        "letters/index.html",
        call=call,
        page=page,
        to_post=letter_queries.to_post(call.id),
        letter_of=letter_queries.letter_of,
        form=PostedForm(),
    )


@bp.get("/issued/<int:letter_id>.pdf")
@requires("staff")
def download(call_id: int, letter_id: int):
    row = load_or_404(letter_queries.issued_letter(call_id, letter_id))
    lang = request.args.get("lang") or str(get_locale())
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    letter = letter_queries.letter_of(row)
    data = stored_letter(letter, lang)  # issued: rendered once per language, then copied
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{letter.file_name[:-4]}-{lang}.pdf",
    )


@bp.post("/issued/<int:letter_id>/posted")
@requires("staff")
def posted(call_id: int, letter_id: int):
    row = load_or_404(letter_queries.issued_letter(call_id, letter_id))
    call = _call(call_id)
    form = PostedForm()
    number = letter_queries.letter_of(row).number
    if row.posted_at is not None:
        flash(
            _(
                "Letter %(number)s was already recorded as sent on %(date)s.",
                number=number,
                date=local_time(row.posted_at, call.timezone),
            ),
            "info",
        )
    elif not form.validate():
        flash(
            _(
                "Letter %(number)s: %(problem)s",
                number=number,
                problem="; ".join(e for errors in form.errors.values() for e in errors),
            ),
            "error",
        )
    else:
        letter_services.record_posted(row, form.post_reference.data or "", current_user.id)
        flash(
            _("Letter %(number)s is recorded as sent by post or registered e-mail.", number=number),
            "success",
        )
    if request.args.get("back") == "admissibility":
        return redirect(url_for("admissibility.index", call_id=call_id))
    return redirect(url_for(".index", call_id=call_id))
