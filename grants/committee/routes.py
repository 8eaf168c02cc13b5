"""The committee pages: staff compose a call's committee and record its minutes; each member signs
the declaration of impartiality and approves the evaluation report (docs/domain.md 4)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from grants.access import requires
from grants.committee.access import call_or_404, member_or_404, seat_or_404
from grants.committee.forms import DeclarationForm, MemberForm, MinutesForm
from grants.committee.queries import (
    approvals_exist,
    candidates,
    committee,
    my_seats,
    ranked_lines,
)
from grants.committee.services import add_member, approve, record_minutes, remove_member, sign
from grants.i18n import gettext as _
from grants.models import Call
from grants.rules.committee import APPROVERS
from grants.unit_of_work import refusals

bp = Blueprint("committee", __name__)


def _staff_page(call: Call, member_form=None, minutes_form=None, status: int = 200):
    member_form = member_form or MemberForm()
    member_form.user_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(u.id, f"{u.name} ({u.email})") for u in candidates(call.id)
    ]
    view = committee(call)
    minutes_form = minutes_form or MinutesForm()
    minutes_form.attendees.choices = [(row.member.id, row.member.user.name) for row in view.rows]
    return render_template(
        "committee/manage.html",
        call=call,
        view=view,
        member_form=member_form,
        minutes_form=minutes_form,
    ), status


def _flash_voided() -> None:
    flash(
        _(
            "The committee that approves the evaluation report changed: the approvals given so "
            "far are void, and the chair and every voting member approve it again."
        ),
        "warning",
    )


@bp.get("/staff/calls/<int:call_id>/committee")
@requires("staff")
def manage(call_id: int):
    return _staff_page(call_or_404(call_id))


@bp.post("/staff/calls/<int:call_id>/committee/members")
@requires("staff")
def add(call_id: int):
    call, form = call_or_404(call_id), MemberForm()
    if not form.validate():
        return _staff_page(call, member_form=form, status=400)
    voids = form.role.data in APPROVERS and approvals_exist(call.id)
    with refusals(form) as outcome:
        add_member(call, form.user_id.data, form.role.data, current_user.id)
    if not outcome.ok:
        return _staff_page(call, member_form=form, status=400)
    flash(_("The member was added to the committee."), "success")
    if voids:
        _flash_voided()
    return redirect(url_for(".manage", call_id=call.id))


@bp.post("/staff/calls/<int:call_id>/committee/members/<int:member_id>/remove")
@requires("staff")
def remove(call_id: int, member_id: int):
    call = call_or_404(call_id)
    member = member_or_404(call, member_id)
    voids = member.role.value in APPROVERS and approvals_exist(call.id)
    with refusals() as outcome:
        remove_member(call, member, current_user.id)
    if outcome.ok:
        flash(_("The member was removed from the committee."), "success")
        if voids:
            _flash_voided()
    return redirect(url_for(".manage", call_id=call.id))


@bp.post("/staff/calls/<int:call_id>/committee/minutes")
@requires("staff")
def minutes(call_id: int):
    call, form = call_or_404(call_id), MinutesForm()
    form.attendees.choices = []  # checked by the service against the committee
    if not form.validate():
        return _staff_page(call, minutes_form=form, status=400)
    with refusals(form) as outcome:
        record_minutes(
            call, form.meeting_date.data, form.attendees.data, form.decisions.data, current_user.id
        )
    if not outcome.ok:
        return _staff_page(call, minutes_form=form, status=400)
    flash(_("The minutes were recorded."), "success")
    return redirect(url_for(".manage", call_id=call.id))


# Members: their committees, the declaration, the approval -----------------------------------------


@bp.get("/committee")
@requires("committee_role")
def home():
    return render_template("committee/home.html", seats=my_seats(current_user))


@bp.route("/committee/calls/<int:call_id>/declaration", methods=["GET", "POST"])
@requires("committee_member")
def declaration(call_id: int):
    member, call = seat_or_404(current_user, call_id)
    if member.impartiality_signed_at is not None:
        return redirect(url_for(".seat", call_id=call_id))
    form = DeclarationForm()
    if form.validate_on_submit():
        sign(member)
        flash(_("You signed the declaration of impartiality and confidentiality."), "success")
        return redirect(url_for(".seat", call_id=call_id))
    return render_template("committee/declaration.html", call=call, member=member, form=form), (
        400 if form.is_submitted() else 200
    )


@bp.get("/committee/calls/<int:call_id>")
@requires("committee_member")
def seat(call_id: int):
    member, call = seat_or_404(current_user, call_id)
    if member.impartiality_signed_at is None:
        return redirect(url_for(".declaration", call_id=call_id))
    view = committee(call)
    mine = next(row for row in view.rows if row.member.id == member.id)
    return render_template(
        "committee/seat.html",
        call=call,
        member=member,
        view=view,
        state=mine.state,
        approves=mine.state != "not_needed",
        lines=ranked_lines(call.id),
    )


@bp.post("/committee/calls/<int:call_id>/approve")
@requires("committee_member")
def approve_report(call_id: int):
    member, call = seat_or_404(current_user, call_id)
    with refusals() as outcome:
        approve(call, member)
    if outcome.ok:
        flash(_("You approved the evaluation report as the ranking now stands."), "success")
    return redirect(url_for(".seat", call_id=call_id))
