"""Who may open what: every route of the application, its access class, and each class's answer per
role.

Each route declares its class on itself (grants.access.requires); this table checks the declared
policy against the route map and against what each role is answered. A new route must be added here
(test_route_matrix fails until it is). The answers follow the rules of grants/access.py (role
classes: anonymous users are sent to log in, other roles get 403),
grants/applications/access.py (objects the user may not see answer 404; a lead-only page seen by a
partner answers 403), grants/evaluation/access.py (an evaluator's own pool and active assignments;
404 for others) and grants/exports/access.py (report files answer 404 to anyone but staff, signed in
or not).

GET routes are opened by every role and must give the class's answer; POST routes are sent by every
role with a valid CSRF token and the route's sample data: a role the class refuses must get the
class's refusal and nothing may change. OK marks the roles the class lets in: their answer is the
route's `ok`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.security.world import ROLES

OK = "ok"  # the role has access: the route answers its `ok` status
LOGIN = "login"  # 302 to the login page
HOME = "home"  # 302 away from a page meant for anonymous users, to the home page
ELSEWHERE = "elsewhere"  # 302 to another page with a message saying why nothing was done

CLASSES: dict[str, tuple] = {  # in the order of ROLES
    # anonymous outsider pending applicant partner assigned other_ev staff admin
    "public": (OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "anonymous_only": (OK, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME),
    "signed_in": (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK),
    # the user's own organisation: its page for every member; its profile changed by those who act
    # for it
    "organisation_page": (LOGIN, OK, OK, OK, OK, 404, 404, 404, 404),
    "organisation_profile": (LOGIN, OK, 403, OK, OK, 404, 404, 404, 404),
    "organisation_manager": (
        LOGIN,
        404,
        403,
        OK,
        404,
        404,
        404,
        404,
        404,
    ),  # verifies a pending member
    "applicant_role": (LOGIN, OK, OK, OK, OK, 403, 403, 403, 403),
    "applicant_or_staff": (LOGIN, OK, OK, OK, OK, 403, 403, OK, OK),
    "contact_partner_org": (
        LOGIN,
        OK,
        404,
        OK,
        404,
        403,
        403,
        404,
        404,
    ),  # acting for another organisation
    "starts_application": (
        LOGIN,
        OK,
        ELSEWHERE,
        OK,
        OK,
        ELSEWHERE,
        ELSEWHERE,
        ELSEWHERE,
        ELSEWHERE,
    ),
    # the submitted application: the members acting for its lead and partner, and staff
    "application": (LOGIN, 404, 404, OK, OK, 404, 404, OK, OK),
    # ... and its evaluators, once they declared no conflict (an attachment they score on)
    "application_or_reader": (LOGIN, 404, 404, OK, OK, OK, 404, OK, OK),
    "application_page": (LOGIN, 404, 404, OK, OK, 403, 403, OK, OK),  # role decorator first
    "lead": (LOGIN, 404, 404, OK, 403, 404, 404, 403, 403),
    "lead_decision": (LOGIN, 404, 404, OK, 404, 403, 403, 403, 403),
    # the draft application: its lead's and partner's members only; staff see nothing before
    # submission
    "lead_draft": (LOGIN, 404, 404, OK, 404, 404, 404, 404, 404),
    "lead_draft_page": (LOGIN, 404, 404, OK, 404, 403, 403, 403, 403),  # role decorator first
    "lead_draft_submit": (LOGIN, 404, 404, OK, 403, 404, 404, 404, 404),
    "partner_invitation": (LOGIN, 404, 404, 404, OK, 403, 403, 403, 403),
    "evaluator": (LOGIN, 403, 403, 403, 403, OK, OK, 403, 403),
    "assigned_evaluator": (LOGIN, 403, 403, 403, 403, OK, 404, 403, 403),
    # the evaluation committee: staff and evaluators; a committee's pages for its members (in the
    # world: staff chair the main call's committee, the assigned evaluator votes on it)
    "committee_role": (LOGIN, 403, 403, 403, 403, OK, OK, OK, OK),
    "committee_member": (LOGIN, 403, 403, 403, 403, OK, 404, OK, 404),
    # a grant: staff and the members acting for its lead and partners (once sent; the world's
    # grant: the applicant's organisation leads it, the partner's is its partner); its lead's
    # members sign, report and ask for amendments
    "grant": (LOGIN, 404, 404, OK, OK, 403, 403, OK, OK),
    "grant_lead": (LOGIN, 404, 404, OK, 404, 403, 403, 403, 403),
    "staff": (LOGIN, 403, 403, 403, 403, 403, 403, OK, OK),
    "staff_files": (404, 404, 404, 404, 404, 404, 404, OK, OK),
    # the metrics: only with the METRICS_TOKEN, which no role's browser holds
    "metrics_token": (404, 404, 404, 404, 404, 404, 404, 404, 404),
    "admin": (LOGIN, 403, 403, 403, 403, 403, 403, 403, OK),
}
assert all(len(answers) == len(ROLES) for answers in CLASSES.values())

# which object of the world fills each URL argument, unless the route says otherwise
ARGUMENTS = {
    "call_id": "call",
    "application_id": "application",
    "stage_id": "stage",
    "assignment_id": "assignment",
    "member_id": "member",
    "attachment_id": "attachment",
    "org_id": "lead_org",
    "user_id": "pending_user",
    "message_id": "message",
    "job_id": "job",
    "partner_id": "draft_partner",
    "token": "token",
    "reference": "reference",
    "invitation_id": "draft_invitation",
    "letter_id": "letter",
    "document_id": "call_document",
    "question_id": "question",
    "request_id": "document_request",
    "version": "document_version",
    "grant_id": "grant",
    "report_id": "grant_report",
    "payment_id": "payment",
    "amendment_id": "amendment",
}
LITERALS = {"kind_name": "workbook", "stage_name": "full_application"}
DRAFT = {"application_id": "draft"}
CONTRACT_ACCOUNT = {
    "account_holder": "Holder",
    "iban": "TR330006100519786457841326",
    "version": "1",
}
JUSTIFIED = {"justification": "The committee agreed on this at its meeting of 20 November."}


@dataclass(frozen=True)
class Route:
    get: str | None = None  # access class of GET
    post: str | None = None  # access class of POST (default: the same as GET)
    ok: int | str = 200  # the GET answer to the roles let in
    args: dict[str, str] = field(
        default_factory=dict
    )  # URL argument -> world object, for GET and POST
    post_args: dict[str, str] = field(default_factory=dict)  # ... for POST only
    query: dict[str, str] = field(default_factory=dict)  # query argument -> world object
    data: dict = field(
        default_factory=dict
    )  # the POST form, CSRF token apart ("{name}": a world object)

    @property
    def post_class(self) -> str | None:
        return self.post or self.get


ROUTES: dict[str, Route] = {
    # public pages and accounts
    "public.index": Route("public"),
    "public.call": Route("public"),
    "public.results": Route("public"),
    "public.results_csv_file": Route("public"),
    "public.health": Route("public"),
    "ops.live": Route("public"),
    "ops.ready": Route("public"),
    "ops.metrics": Route("metrics_token"),
    "public.set_language": Route(post="public"),
    "auth.login": Route("anonymous_only", post="public"),
    "auth.logout": Route(post="public"),
    "auth.register": Route("anonymous_only"),
    "auth.join": Route("anonymous_only"),
    "auth.reset_request": Route("public"),
    "auth.set_password": Route("public"),
    "auth.account": Route("signed_in", data={"current": "wrong", "password": "x", "confirm": "y"}),
    "auth.end_sessions": Route(post="signed_in"),
    "auth.reminder_choices": Route(post="signed_in"),  # no box ticked: every kind turned off
    # e-mail confirmation: the page redirects a confirmed account to its organisation or home; the
    # link is public
    "auth.registered": Route("public", ok=HOME),  # only just after registering, from the session
    "auth.confirm_email": Route("signed_in", ok=HOME),
    "auth.resend_confirmation": Route(post="signed_in"),
    "auth.correct_address": Route(post="signed_in", data={"email": "corrected@example.org"}),
    "auth.confirm_email_link": Route("public", ok=400, args={"token": "token"}),
    "auth.organisation": Route(
        "organisation_page",
        post="organisation_profile",
        data={
            "name": "Renamed Municipality",
            "type": "municipality",
            "country": "TR",
            "region": "Ankara",
            "population": "50000",
            "legal_id": "LID-9",
            "address": "2 Main Street",
            "partner_description": "Changed.",
        },
    ),
    "auth.verify_member": Route(post="organisation_manager"),
    # administration
    "admin.organisations": Route("staff"),
    "admin.organisation": Route("staff"),
    "admin.verify_organisation": Route(post="staff", args={"org_id": "unverified_org"}),
    "admin.verify_member": Route(post="staff"),
    "admin.reject_organisation": Route(
        post="staff", args={"org_id": "unverified_org"}, data={"reason": "Not a local authority."}
    ),
    "admin.merge_organisation": Route(
        post="staff", args={"org_id": "unverified_org"}, data={"into": "{lead_org}"}
    ),
    "admin.users": Route("staff"),
    "admin.user": Route("staff"),
    "admin.invite": Route(
        "staff", data={"name": "New Person", "email": "new.person@example.org", "role": "evaluator"}
    ),
    "admin.change_role": Route(post="admin", data={"role": "staff"}),
    "admin.set_active": Route(post="admin", data={"active": "0"}),
    "admin.outbox": Route("admin"),
    "admin.outbox_message": Route("admin"),
    # calls (staff)
    "calls.index": Route("staff"),
    "calls.new": Route("staff", data={"reference": "NEW-1", "title": "A new call"}),
    "calls.show": Route("staff"),
    "calls.edit": Route("staff", data={"title": "Renamed call"}),
    "calls.grid": Route("staff", data={"pass_threshold": "60"}),
    "calls.status": Route(post="staff", data={"status": "closed"}),
    # applications
    "applications.dashboard": Route("signed_in"),
    "applications.start": Route(post="starts_application", args={"call_id": "open_call"}),
    "applications.show": Route("application"),
    "applications.project": Route("lead_draft", args=DRAFT, data={"title": "Changed title"}),
    "applications.budget": Route("lead_draft", args=DRAFT, data={"indirect": "1000.00"}),
    "applications.budget_preview": Route(post="lead_draft", args=DRAFT),
    "logframe.edit": Route(
        "lead_draft", args=DRAFT, data={"overall_objective": "Closer ties", "save_draft": "1"}
    ),
    "applications.discard": Route("lead_draft", args=DRAFT),
    "applications.staff_list": Route("staff"),
    # partners
    "partners.search": Route("applicant_or_staff"),
    "partners.profile": Route("applicant_or_staff", args={"org_id": "partner_org"}),
    "partners.contact": Route(
        post="contact_partner_org",
        args={"org_id": "partner_org"},
        data={"message": "Shall we talk about twinning our towns?"},
    ),
    "partners.partnership": Route("application_page"),
    "partners.add_partner": Route(
        post="lead_draft_page",
        args=DRAFT,
        data={"organisation_id": "{other_org}", "role": "Hosts the study visits"},
    ),
    "partners.change_role": Route(
        post="lead_draft_page",
        args=DRAFT,
        data={"partner-{draft_partner}-role": "Runs the workshops"},
    ),
    "partners.remove_partner": Route(post="lead_draft_page", args=DRAFT),
    "partners.invitations": Route("applicant_role"),
    "partners.invitation": Route("partner_invitation"),
    "partners.confirm": Route(post="partner_invitation", data={"seen": "anything"}),
    "partners.decline": Route(post="partner_invitation", data={"reason": "No capacity this year."}),
    "partners.invite_partner": Route(
        post="lead_draft_page",
        args=DRAFT,
        data={
            "invite-name": "Stadt Esslingen",
            "invite-country": "DE",
            "invite-type": "local_authority",
            "invite-email": "europa@esslingen.example",
            "invite-locale": "en",
            "invite-role": "Hosts the visits",
        },
    ),
    "partners.resend_invitation": Route(post="lead_draft_page", args=DRAFT),
    "partners.cancel_invitation": Route(post="lead_draft_page", args=DRAFT),
    "partners.register_invited": Route(
        "public",
        args={"token": "invitation_token"},
        data={
            "name": "Stadt Esslingen",
            "type": "local_authority",
            "country": "DE",
            "full_name": "Anna Schmidt",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
        },
    ),
    # submission
    "submission.attachments": Route(
        "application", post="lead_draft", post_args=DRAFT, data={"document": "annex"}
    ),
    "submission.download": Route("application_or_reader"),
    "submission.delete_attachment": Route(
        post="lead_draft", args={"attachment_id": "draft_attachment"}
    ),
    "submission.check": Route("application"),
    "submission.submit": Route(post="lead_draft_submit", args=DRAFT),
    "submission.confirmation": Route("application"),
    "submission.receipt": Route("application"),
    "submission.withdraw": Route("lead", data={"reason": "The council withdrew its support."}),
    "submission.reopen": Route("lead"),
    # admissibility (staff)
    "admissibility.index": Route("staff"),
    "admissibility.check": Route(
        "staff", data={"decision": "inadmissible", "further_reasons": "Late."}
    ),
    "admissibility.ask": Route(
        post="staff",
        data={
            "document": "declaration",
            "message": "The declaration is not signed.",
            "due_date": "2999-01-01",
        },
    ),
    "admissibility.override": Route(
        post="staff",
        data={"check": "documents", "outcome": "not_met", "reason": "The statement is illegible."},
    ),
    # admissibility (the lead answers a document request)
    "admissibility.answer": Route("lead"),
    # evaluation: staff manage the pool and assignments
    "evaluation.pool": Route("staff"),
    "evaluation.add": Route(post="staff", data={"user_id": "{other_evaluator}"}),
    "evaluation.remove": Route(post="staff"),
    "evaluation.assign_automatically": Route(post="staff"),
    "evaluation.assign_manually": Route(
        post="staff", data={"stage_id": "{stage}", "evaluator_id": "{other_evaluator}"}
    ),
    "evaluation.unassign": Route(post="staff"),
    "evaluation.rebalance": Route("staff"),
    "evaluation.show": Route("staff"),
    "evaluation.due_date": Route(
        post="staff", data={"due_at": "2999-12-31T17:00"}
    ),  # ahead whatever the clock
    "evaluation.scores": Route("staff"),
    # evaluation: evaluators (both have signed the call's declaration, so its page sends them on)
    "evaluation.home": Route("evaluator"),
    "evaluation.declaration": Route("evaluator", ok=ELSEWHERE, data={"accept": "y"}),
    "evaluation.call": Route("evaluator"),
    "evaluation.assignment": Route(
        "assigned_evaluator",
        data={"declaration": "conflict", "reason": "I advise the lead municipality."},
    ),
    "evaluation.score": Route("assigned_evaluator", data={"action": "save"}),
    # ranking, decisions and letters
    # amendments and termination of a grant; oversight
    "amendments.index": Route("grant"),
    "amendments.request_end_date": Route(
        post="grant_lead", data={"end_date": "2029-06-30", "justification": "Works were delayed."}
    ),
    "amendments.request_budget": Route(post="grant_lead"),
    "amendments.request_partner": Route(post="grant_lead"),
    "amendments.withdraw": Route(post="grant_lead"),
    "amendments.decide": Route(
        post="staff",
        data={"a{amendment}-decision": "refuse", "a{amendment}-reason": "Not justified."},
    ),
    "amendments.terminate": Route(
        "staff", data={"reason": "The beneficiary stopped the project.", "confirm": "y"}
    ),
    "oversight.index": Route("staff"),
    "committee.manage": Route("staff"),
    "committee.add": Route(post="staff", data={"user_id": "{other_evaluator}", "role": "observer"}),
    "committee.remove": Route(post="staff", args={"member_id": "committee_member"}),
    "committee.minutes": Route(
        post="staff",
        data={"meeting_date": "2027-05-20", "attendees": "{committee_member}", "decisions": "Met."},
    ),
    "committee.home": Route("committee_role"),
    "committee.declaration": Route("committee_member", ok=ELSEWHERE, data={"accept": "y"}),
    "committee.seat": Route("committee_member"),
    "committee.approve_report": Route(post="committee_member"),
    # grant reports (the world's grant: in force; its final report being written by the lead)
    "reporting.reports": Route("grant"),
    "reporting.open_": Route(post="grant_lead", data={"kind": "final", "period": "1"}),
    "reporting.report": Route("grant"),
    "reporting.save": Route(
        post="grant_lead",
        data={"activities": "Held.", "indirect": "0", "contingency": "0", "save": "1"},
    ),
    "reporting.verification": Route(post="grant_lead"),
    "reporting.verification_file": Route("grant"),
    "reporting.review": Route(post="staff", data={"send_back": "1", "comments": "Correct it."}),
    "reporting.final": Route("staff"),
    # no recovery is due on the world's grant: 404 to every role let in (tests/integration/
    # reporting/test_routes.py opens one)
    "reporting.recovery_order": Route("grant", ok=404),
    "awards.ranking": Route("staff"),
    "awards.compute": Route(post="staff", data={"discard_overrides": "y"}),
    "awards.override_decision": Route("staff", data={"outcome": "reserve", **JUSTIFIED}),
    "awards.promote": Route("staff", query={"lot": "lot"}, data=JUSTIFIED),
    "awards.finalise_call": Route("staff"),
    "awards.letter_preview": Route("staff"),
    "awards.my_decisions": Route("applicant_role"),
    "awards.letter": Route("lead_decision"),
    "letters.index": Route("staff"),
    "letters.download": Route("staff"),
    "letters.posted": Route(post="staff", data={"post_reference": "RR123456789TR"}),
    # settings (staff)
    "settings.letters": Route(
        "staff",
        data={
            "name_en": "Directorate for EU Affairs",
            "name_tr": "Avrupa Birliği Başkanlığı",
            "address": "Ankara",
            "signatory_name": "Deniz Yılmaz",
            "signatory_title_en": "Head of Department",
            "signatory_title_tr": "Daire Başkanı",
        },
    ),
    "settings.logo": Route("staff"),
    "awards.invite": Route("staff", args={"call_id": "restricted_call"}),
    "awards.change_shortlist": Route(
        "staff", args={"call_id": "restricted_call", "stage_id": "concept_note"}, data=JUSTIFIED
    ),
    # reports and exports (staff)
    "exports.index": Route("staff"),
    "exports.jobs_fragment": Route(
        "staff", ok=286
    ),  # 286 tells htmx to stop polling: nothing is pending
    "exports.call_exports": Route("staff"),
    "exports.request_kind": Route(post="staff"),
    "exports.retry_job": Route(post="staff", args={"job_id": "failed_job"}),
    "exports.download": Route("staff_files"),
    # the audit log (staff)
    "auditlog.index": Route("staff"),
    # a call's documents, clarifications and corrigenda (staff manage them; the public reads them)
    "calldocs.documents": Route(
        "staff", args={"call_id": "open_call"}, data={"kind": "guidelines", "language": "tr"}
    ),
    "calldocs.replace_document": Route(post="staff"),
    "calldocs.remove_document": Route(post="staff"),
    "calldocs.download": Route("public", args={"reference": "open_reference"}),
    "calldocs.download_version": Route("public", args={"reference": "open_reference"}),
    "calldocs.faq": Route("public", args={"reference": "open_reference"}),
    "calldocs.ask": Route(
        "signed_in",
        args={"reference": "open_reference"},
        data={"text": "May a university lead the application?"},
    ),
    "calldocs.questions": Route("staff", args={"call_id": "open_call"}),
    "calldocs.windows": Route(
        post="staff",
        args={"call_id": "open_call"},
        data={"question_window_days": "20", "answer_window_days": "10"},
    ),
    "calldocs.answer": Route(
        "staff", data={"public_text": "May a university lead?", "answer": "No: see 2.1.1."}
    ),
    # grant payments: the schedule for staff and beneficiaries; staff record, authorise, cancel
    "payments.grant_payments": Route("grant"),
    "payments.record": Route(
        post="staff",
        data={"kind": "prefinancing", "amount": "1000.00", "value_date": "2027-01-20"},
    ),
    "payments.authorise": Route(post="staff"),
    "payments.cancel": Route(post="staff"),
    "payments.overview": Route("staff"),
    "calldocs.corrigenda": Route(
        "staff",
        args={"call_id": "open_call"},
        data={"reason": "The deadline moves.", "deadline": "2099-01-01T12:00"},
    ),
    # grants: contracts (the world's grant is in force; the sent one waits for the lead)
    "contracts.call_contracts": Route("staff"),
    "contracts.prepare": Route(post="staff"),
    "contracts.index": Route("staff"),
    "contracts.show": Route("grant"),
    "contracts.pdf": Route("grant"),
    "contracts.signed_pdf": Route("grant", args={"grant_id": "sent_grant"}, ok=404),
    "contracts.edit": Route("staff", args={"grant_id": "draft_grant"}, data=CONTRACT_ACCOUNT),
    "contracts.budget": Route("staff", args={"grant_id": "draft_grant"}, data={"version": "1"}),
    "contracts.send": Route(post="staff", args={"grant_id": "draft_grant"}),
    "contracts.back_to_draft": Route(post="staff", args={"grant_id": "sent_grant"}),
    "contracts.countersign": Route(post="staff", args={"grant_id": "sent_grant"}),
    "contracts.accept": Route(post="grant_lead", args={"grant_id": "sent_grant"}),
    "contracts.upload_signed": Route(post="grant_lead", args={"grant_id": "sent_grant"}),
}
