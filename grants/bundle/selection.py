"""The committee and the admissibility clarifications in a bundle (version 2, optional): the
committee's members, minutes and approvals, the documents asked of lead applicants and staff
overrides of automatic checks. Written by export.py, read back by import_.py, deleted with the
call. Lists are in an order that does not depend on database ids, so that an imported call exports
the same bundle. An approval keeps its fingerprint: it stands after the import only if the imported
ranking gives the same one (grants.rules.committee)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Delete, Select, delete, select
from sqlalchemy.orm import selectinload

from grants.bundle import formats as f
from grants.bundle.formats import parse_time
from grants.extensions import db
from grants.models import (
    AdmissibilityRequest,
    Application,
    ApplicationStage,
    Call,
    CheckOverride,
    CommitteeApproval,
    CommitteeMember,
    CommitteeMinutes,
    CommitteeRole,
    Organisation,
    RequestStatus,
    Role,
    User,
)
from grants.models.committee import minutes_attendee

ROLE_ORDER = {role: i for i, role in enumerate(CommitteeRole)}
REMINDER_DAYS = (
    "document_request_days",
    "draft_reminder_first_days",
    "draft_reminder_last_days",
    "evaluation_reminder_days",
)  # the call's settings the bundle carries beside them
STAFF_ROLES = (Role.staff, Role.admin)
Key = Callable[[User], str]


class Selection:
    """What of the call's committee and clarifications the bundle will hold, read in four
    queries; `people` are the users it names (each must be in evaluators[] or staff[])."""

    def __init__(self, call: Call) -> None:
        self.call = call
        self.members = list(
            db.session.scalars(
                select(CommitteeMember)
                .where(CommitteeMember.call_id == call.id)
                .options(
                    selectinload(CommitteeMember.user).selectinload(User.organisation),
                    selectinload(CommitteeMember.approval),
                )
            )
        )
        self.minutes = list(
            db.session.scalars(
                select(CommitteeMinutes)
                .where(CommitteeMinutes.call_id == call.id)
                .options(
                    selectinload(CommitteeMinutes.attendees),
                    selectinload(CommitteeMinutes.recorded_by),
                )
            )
        )
        self.requests = _of_stages(AdmissibilityRequest, call, AdmissibilityRequest.requested_by)
        self.overrides = _of_stages(CheckOverride, call, CheckOverride.user)

    @property
    def people(self) -> list[User]:
        named = [m.user for m in self.members] + [m.recorded_by for m in self.minutes]
        named += [r.requested_by for r, _, _ in self.requests] + [
            o.user for o, _, _ in self.overrides
        ]
        return list(dict.fromkeys(u for u in named if u is not None))

    def evaluators(self) -> list[User]:
        return [u for u in self.people if u.role not in STAFF_ROLES]

    def staff(self) -> list[User]:
        return [u for u in self.people if u.role in STAFF_ROLES]

    def export(self, user_key: Key, org_key: Callable[[Organisation], str]) -> dict:
        zone = self.call.timezone
        members = sorted(self.members, key=lambda m: (ROLE_ORDER[m.role], user_key(m.user)))
        minutes = sorted(self.minutes, key=lambda m: (m.meeting_date, m.recorded_at, m.decisions))
        return {
            "committee": {
                "members": [
                    {
                        "user": user_key(m.user),
                        "role": m.role.value,
                        "added_at": f.time(m.added_at, zone),
                        "impartiality_signed_at": f.time(m.impartiality_signed_at, zone),
                    }
                    for m in members
                ],
                "minutes": [
                    {
                        "meeting_date": m.meeting_date.isoformat(),
                        "attendees": sorted(user_key(a.user) for a in m.attendees),
                        "decisions": m.decisions,
                        "recorded_by": user_key(m.recorded_by),
                        "recorded_at": f.time(m.recorded_at, zone),
                    }
                    for m in minutes
                ],
                "approvals": sorted(
                    (
                        {
                            "member": user_key(m.user),
                            "approved_at": f.time(m.approval.approved_at, zone),
                            "fingerprint": m.approval.fingerprint,
                        }
                        for m in members
                        if m.approval is not None and m.approval.voided_at is None
                    ),
                    key=lambda a: a["member"],
                ),
            },
            "admissibility": {
                "requests": [
                    _request(r, reference, stage, zone, user_key, org_key)
                    for r, reference, stage in self.requests
                ],
                "check_overrides": [
                    {
                        "application": reference,
                        "stage": stage,
                        "check": o.check_key,
                        "met": o.met,
                        "reason": o.reason,
                        "by": user_key(o.user) if o.user else None,
                        "at": f.time(o.at, zone),
                    }
                    for o, reference, stage in self.overrides
                ],
            },
        }


def _of_stages(model, call: Call, user) -> list[tuple]:
    """The model's rows on the call's stages with the application's reference and the stage's
    name, in application and stage order, then by time."""
    rows = db.session.execute(
        select(model, Application.reference, ApplicationStage.stage)
        .join(ApplicationStage, model.stage_id == ApplicationStage.id)
        .join(Application, ApplicationStage.application_id == Application.id)
        .where(Application.call_id == call.id, Application.reference.is_not(None))
        .options(selectinload(user))
    ).all()
    return sorted(
        ((row, reference, stage.value) for row, reference, stage in rows),
        key=lambda r: (r[1], r[2], *_when_what(r[0])),
    )


def _when_what(row: AdmissibilityRequest | CheckOverride) -> tuple[str, str]:
    if isinstance(row, AdmissibilityRequest):
        return row.requested_at.isoformat(), row.document
    return row.at.isoformat(), row.check_key


def _request(
    r: AdmissibilityRequest,
    reference: str,
    stage: str,
    zone: str,
    user_key: Key,
    org_key: Callable[[Organisation], str],
) -> dict:
    return {
        "application": reference,
        "stage": stage,
        "document": r.document,
        "partner": org_key(r.organisation) if r.organisation else None,
        "other": r.other,
        "message": r.message,
        "requested_by": user_key(r.requested_by) if r.requested_by else None,
        "requested_at": f.time(r.requested_at, zone),
        "due_at": f.time(r.due_at, zone),
        "status": r.status.value,
        "answered_at": f.time(r.answered_at, zone),
    }


def add_selection(
    data: dict,
    call: Call,
    stages: dict[tuple[str, str], ApplicationStage],
    people: dict[str, User],
    orgs: dict[str, Organisation],
) -> None:
    """The bundle's committee and clarifications, on the imported call (whose stages, users and
    organisations have ids by now)."""
    committee = data.get("committee") or {"members": [], "minutes": [], "approvals": []}
    members = {}
    for item in committee["members"]:
        members[item["user"]] = CommitteeMember(
            call_id=call.id,
            user_id=people[item["user"]].id,
            role=CommitteeRole(item["role"]),
            added_at=parse_time(item["added_at"]),
            impartiality_signed_at=parse_time(item["impartiality_signed_at"]),
        )
    db.session.add_all(members.values())
    for item in committee["minutes"]:
        db.session.add(
            CommitteeMinutes(
                call_id=call.id,
                meeting_date=date.fromisoformat(item["meeting_date"]),
                decisions=item["decisions"],
                recorded_by_id=people[item["recorded_by"]].id,
                recorded_at=parse_time(item["recorded_at"]),
                attendees=[members[key] for key in item["attendees"]],
            )
        )
    for item in committee["approvals"]:
        members[item["member"]].approval = CommitteeApproval(
            call_id=call.id,
            approved_at=parse_time(item["approved_at"]),
            fingerprint=item["fingerprint"],
        )
    clarifications = data.get("admissibility") or {"requests": [], "check_overrides": []}
    for item in clarifications["requests"]:
        db.session.add(_imported_request(item, stages, people, orgs))
    for item in clarifications["check_overrides"]:
        db.session.add(
            CheckOverride(
                stage_id=stages[(item["application"], item["stage"])].id,
                check_key=item["check"],
                met=item["met"],
                reason=item["reason"],
                user_id=people[item["by"]].id if item["by"] else None,
                at=parse_time(item["at"]),
            )
        )


def _imported_request(
    item: dict,
    stages: dict[tuple[str, str], ApplicationStage],
    people: dict[str, User],
    orgs: dict[str, Organisation],
) -> AdmissibilityRequest:
    return AdmissibilityRequest(
        stage_id=stages[(item["application"], item["stage"])].id,
        document=item["document"],
        organisation_id=orgs[item["partner"]].id if item["partner"] else None,
        other=item["other"],
        message=item["message"],
        requested_by_id=people[item["requested_by"]].id if item["requested_by"] else None,
        requested_at=parse_time(item["requested_at"]),
        due_at=parse_time(item["due_at"]),
        status=RequestStatus(item["status"]),
        answered_at=parse_time(item["answered_at"]),
    )


def call_days(item: dict) -> dict:
    """The call's days for document requests and reminders; a bundle without them gets the
    defaults (the model's)."""
    return {name: item[name] for name in REMINDER_DAYS if name in item}


def deletes(call_id: int, stages: Select) -> list[Delete]:
    """The statements that delete the call's committee and clarifications, children first."""
    minutes = select(CommitteeMinutes.id).where(CommitteeMinutes.call_id == call_id)
    return [
        delete(minutes_attendee).where(minutes_attendee.c.minutes_id.in_(minutes)),
        delete(CommitteeMinutes).where(CommitteeMinutes.call_id == call_id),
        delete(CommitteeApproval).where(CommitteeApproval.call_id == call_id),
        delete(CommitteeMember).where(CommitteeMember.call_id == call_id),
        delete(AdmissibilityRequest).where(AdmissibilityRequest.stage_id.in_(stages)),
        delete(CheckOverride).where(CheckOverride.stage_id.in_(stages)),
    ]
