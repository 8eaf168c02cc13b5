"""Staff verify organisations and members; staff invite users; admins manage roles and access."""

import re

from sqlalchemy import select

from grants.models import AuditEvent, OutboxMessage, Role, User
from tests.factories import make_org, make_user

LINK = re.compile(r"http://localhost(/auth/password/\S+)")


def _audited(db, action, obj) -> AuditEvent | None:
    return db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_id == str(obj.id))
    )


def test_organisations_list_shows_unverified_first_and_filters(client, db, login_as):
    login_as("staff")
    make_org(name="Aaa verified")
    make_org(name="Zzz waiting", verified=False)
    db.session.commit()
    text = client.get("/admin/organisations").get_data(as_text=True)
    assert text.index("Zzz waiting") < text.index("Aaa verified")
    only_waiting = client.get("/admin/organisations?status=unverified").get_data(as_text=True)
    assert "Zzz waiting" in only_waiting and "Aaa verified" not in only_waiting
    only_verified = client.get("/admin/organisations?status=verified").get_data(as_text=True)
    assert "Aaa verified" in only_verified and "Zzz waiting" not in only_verified
    assert client.get("/admin/organisations?status=nonsense&page=x").status_code in (200, 404)


def test_staff_verify_an_organisation_and_its_member_can_act(client, db, login_as, post):
    staff = login_as("staff")
    org = make_org(name="Gemeinde Neu", country="DE", verified=False)
    first = make_user("applicant", organisation=org)
    db.session.commit()
    assert not first.acts_for_organisation
    page = post(f"/admin/organisations/{org.id}/verify", page=f"/admin/organisations/{org.id}")
    assert page.status_code == 302
    db.session.refresh(org)
    assert org.verified_by_id == staff.id and first.acts_for_organisation
    assert _audited(db, "verify", org).user_id == staff.id
    notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == first.email))
    assert "Gemeinde Neu" in notice.body
    assert "Verify this organisation" not in client.get(f"/admin/organisations/{org.id}").get_data(
        as_text=True
    )


def test_staff_verify_a_pending_member(client, db, login_as, post):
    login_as("staff")
    org = make_org()
    pending = make_user("applicant", organisation=org, verified_member=False, name="Waiting Person")
    db.session.commit()
    assert "Verify Waiting Person" in client.get(f"/admin/organisations/{org.id}").get_data(
        as_text=True
    )
    post(f"/admin/organisations/{org.id}/members/{pending.id}/verify", page="/")
    db.session.refresh(pending)
    assert pending.acts_for_organisation and _audited(db, "verify_member", pending)
    other = make_org()
    db.session.commit()
    assert (
        post(f"/admin/organisations/{other.id}/members/{pending.id}/verify", page="/").status_code
        == 404
    )


def test_users_list_searches_and_filters_by_role(client, db, login_as):
    login_as("staff")
    make_user("evaluator", name="Elif Evaluator", email="elif@example.org")
    make_user(
        "applicant",
        name="Ali Applicant",
        email="ali@example.org",
        organisation=make_org(name="Town of Ali"),
    )
    db.session.commit()
    text = client.get("/admin/users?q=ELIF").get_data(as_text=True)
    assert "Elif Evaluator" in text and "Ali Applicant" not in text
    text = client.get("/admin/users?role=applicant").get_data(as_text=True)
    assert "Ali Applicant" in text and "Town of Ali" in text and "Elif Evaluator" not in text
    assert "No user matches." in client.get("/admin/users?q=%25").get_data(as_text=True)


def test_staff_invite_an_evaluator_who_sets_a_password(client, db, login_as, post):
    login_as("staff")
    page = post(
        "/admin/users/invite",
        {"name": "Eva Assessor", "email": "Eva@Assessors.eu", "role": "evaluator"},
    )
    assert page.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "eva@assessors.eu"))
    assert user.role is Role.evaluator and user.password_hash is None
    assert _audited(db, "invite", user)
    body = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to == "eva@assessors.eu")
    ).body
    assert "as Evaluator" in body
    post("/auth/logout", page="/")
    path = LINK.search(body).group(1)
    post(path, {"password": "evaluator password", "confirm": "evaluator password"})
    assert (
        post(
            "/auth/login", {"email": "eva@assessors.eu", "password": "evaluator password"}
        ).status_code
        == 302
    )
    assert client.get(path).status_code == 400  # the invitation link is used up


def test_only_an_admin_may_invite_an_admin(client, db, login_as, post):
    login_as("staff")
    text = post(
        "/admin/users/invite", {"name": "X", "email": "x@example.org", "role": "admin"}
    ).get_data(as_text=True)
    assert "Role: Not a valid choice" in text and 'value="x@example.org"' in text
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_admin_invites_an_admin_and_duplicates_are_refused(client, db, login_as, post):
    login_as("admin")
    assert (
        post(
            "/admin/users/invite", {"name": "A", "email": "a@example.org", "role": "admin"}
        ).status_code
        == 302
    )
    assert db.session.scalar(select(User).where(User.email == "a@example.org")).role is Role.admin
    text = post(
        "/admin/users/invite", {"name": "B", "email": "A@example.org", "role": "staff"}
    ).get_data(as_text=True)
    assert "Email address: An account with this email address already exists." in text


def test_admin_changes_a_role(client, db, login_as, post):
    admin = login_as("admin")
    user = make_user("evaluator")
    db.session.commit()
    page = post(f"/admin/users/{user.id}/role", {"role": "staff"}, page=f"/admin/users/{user.id}")
    assert page.status_code == 302
    db.session.refresh(user)
    assert user.role is Role.staff
    event = _audited(db, "change_role", user)
    assert (event.before, event.after, event.user_id) == (
        {"role": "evaluator"},
        {"role": "staff"},
        admin.id,
    )
    assert post(f"/admin/users/{user.id}/role", {"role": "king"}, page="/").status_code == 400


def test_admin_cannot_change_own_role_or_deactivate_self(client, db, login_as, post):
    admin = login_as("admin")
    post(f"/admin/users/{admin.id}/role", {"role": "applicant"}, page="/")
    post(f"/admin/users/{admin.id}/active", {"active": "0"}, page="/")
    db.session.refresh(admin)
    assert admin.role is Role.admin and admin.active


def test_admin_deactivates_and_reactivates_a_user(client, db, login_as, post):
    login_as("admin")
    user = make_user("applicant", email="toggle@example.org", organisation=make_org())
    db.session.commit()
    post(f"/admin/users/{user.id}/active", {"active": "0"}, page="/")
    db.session.refresh(user)
    assert not user.active and _audited(db, "deactivate", user)
    assert "Deactivated" in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    post(f"/admin/users/{user.id}/active", {"active": "1"}, page="/")
    db.session.refresh(user)
    assert user.active and _audited(db, "reactivate", user)


def test_staff_cannot_change_roles_or_access(client, db, login_as, post):
    login_as("staff")
    user = make_user("evaluator")
    db.session.commit()
    assert "Change role" not in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert post(f"/admin/users/{user.id}/role", {"role": "admin"}, page="/").status_code == 403
    assert post(f"/admin/users/{user.id}/active", {"active": "0"}, page="/").status_code == 403
    db.session.refresh(user)
    assert user.role is Role.evaluator and user.active
