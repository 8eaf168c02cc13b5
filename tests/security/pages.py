"""Every page a person sees, kept beside the access table: the browser walk
(tests/browser/test_accessibility.py) opens each one as each role that uses it, in English and
Turkish, and checks it with axe-core and html-validate.

A new GET route must be added here, to PAGES or to NOT_PAGES (test_page_list fails until it is). A
route is walked in the shared world of the security suite (tests/security/world.py) plus the few
objects the walk adds (tests/browser/test_accessibility.py: `walk_world`), with the access table's
URL arguments unless a visit names others. Its roles, unless a visit names them: the walk's roles
that the route's access class lets in, the admin only where staff are not let in (an admin sees the
staff pages with one menu link more, and is walked on the pages of its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.security.access_table import CLASSES, OK, ROUTES
from tests.security.world import ROLES

# the people the walk logs in as: a lead applicant, a partner's member, an evaluator, staff, the
# admin, and a
# newcomer whose e-mail address is not confirmed yet (the world's pending member, here unconfirmed)
WALK_ROLES = (
    "anonymous",
    "applicant",
    "partner",
    "assigned_evaluator",
    "staff",
    "admin",
    "newcomer",
)
DRAFT = {"application_id": "draft"}
ANONYMOUS = ("anonymous",)


@dataclass(frozen=True)
class Visit:
    roles: tuple[str, ...] | None = None  # None: as the module docstring says
    args: dict[str, str] = field(
        default_factory=dict
    )  # URL argument -> world object, over the access table's
    literals: dict[str, str] = field(default_factory=dict)  # URL argument -> its value
    query: dict[str, str] = field(default_factory=dict)  # query argument -> literal value
    status: int = 200
    # how the page is reached after opening the URL: "errors" sends its form empty, so that it shows
    # its error
    # summary; "register" completes the registration form and lands on the page
    via: str | None = None


PAGES: dict[str, tuple[Visit, ...]] = {
    # public pages and accounts
    "public.index": (Visit(), Visit(roles=("admin",))),
    "public.call": (
        Visit(args={"reference": "reference"}),
        Visit(args={"reference": "open_reference"}),
    ),
    "public.results": (Visit(),),
    "auth.login": (Visit(), Visit(via="errors")),
    "auth.register": (Visit(), Visit(via="errors")),
    "auth.join": (Visit(), Visit(query={"q": "Municipality"})),
    "auth.reset_request": (Visit(),),
    "auth.set_password": (
        Visit(roles=ANONYMOUS),
    ),  # e-mailed links: for the person who follows them
    "auth.account": (Visit(), Visit(roles=("applicant",), via="errors", status=400)),
    "auth.registered": (Visit(roles=ANONYMOUS, via="register"),),
    "auth.confirm_email": (Visit(roles=("newcomer",)),),
    "auth.confirm_email_link": (Visit(roles=ANONYMOUS, status=400),),
    "auth.organisation": (Visit(),),
    # administration
    "admin.organisations": (Visit(),),
    "admin.organisation": (Visit(), Visit(args={"org_id": "unverified_org"})),
    "admin.users": (Visit(),),
    "admin.user": (Visit(), Visit(args={"user_id": "assigned_evaluator"}, roles=("admin",))),
    "admin.invite": (Visit(), Visit(via="errors")),
    "admin.outbox": (Visit(),),
    "admin.outbox_message": (Visit(), Visit(args={"message_id": "long_message"})),
    # calls (staff)
    "calls.index": (Visit(),),
    "calls.new": (Visit(), Visit(via="errors", status=400)),
    "calls.show": (
        Visit(),
        Visit(args={"call_id": "open_call"}),
        Visit(args={"call_id": "restricted_call"}),
    ),
    "calls.edit": (Visit(), Visit(args={"call_id": "open_call"})),
    "calls.grid": (
        Visit(),
        Visit(args={"call_id": "restricted_call"}, literals={"stage_name": "concept_note"}),
    ),
    # applications
    "applications.dashboard": (Visit(),),
    "applications.show": (Visit(), Visit(args=DRAFT, roles=("applicant", "partner"))),
    "applications.project": (Visit(),),
    "applications.budget": (Visit(),),
    "logframe.edit": (Visit(),),
    "applications.discard": (Visit(),),
    "applications.staff_list": (Visit(),),
    # partners
    "partners.search": (Visit(), Visit(query={"q": "Municipality"}, roles=("applicant",))),
    "partners.profile": (Visit(),),
    "partners.partnership": (Visit(), Visit(args=DRAFT, roles=("applicant",))),
    "partners.invitations": (Visit(),),
    "partners.invitation": (Visit(), Visit(args={"partner_id": "confirmed_partner"})),
    "partners.register_invited": (Visit(roles=ANONYMOUS),),
    # submission
    "submission.attachments": (Visit(), Visit(args=DRAFT, roles=("applicant",))),
    "submission.check": (Visit(), Visit(args=DRAFT, roles=("applicant",))),
    "submission.confirmation": (Visit(),),
    "submission.withdraw": (Visit(),),
    "submission.reopen": (Visit(),),
    # admissibility (staff)
    "admissibility.index": (Visit(),),
    "admissibility.check": (Visit(),),
    "admissibility.answer": (Visit(),),
    # evaluation
    "evaluation.pool": (Visit(),),
    "evaluation.rebalance": (Visit(),),
    "evaluation.show": (Visit(),),
    "evaluation.scores": (Visit(),),
    "evaluation.home": (Visit(),),
    "evaluation.declaration": (
        Visit(args={"call_id": "restricted_call"}),
    ),  # the main call's is signed
    "evaluation.call": (Visit(),),
    "evaluation.assignment": (
        Visit(),
        Visit(args={"assignment_id": "undeclared_assignment"}),  # its declaration
        Visit(args={"assignment_id": "open_assignment"}),
    ),
    "evaluation.score": (
        Visit(args={"assignment_id": "open_assignment"}),
        Visit(),
    ),  # a draft, and one submitted
    # amendments and termination of a grant; oversight
    "amendments.index": (Visit(),),
    "amendments.terminate": (Visit(),),
    "oversight.index": (Visit(),),
    # the evaluation committee
    "committee.manage": (Visit(), Visit(args={"call_id": "open_call"})),  # final, and open
    "committee.home": (Visit(),),
    "committee.declaration": (
        Visit(roles=("assigned_evaluator",), args={"call_id": "open_call"}),
    ),  # the main call's are signed
    "committee.seat": (Visit(roles=("assigned_evaluator", "staff")),),
    # grant reports
    "reporting.reports": (Visit(),),
    "reporting.report": (Visit(),),
    "reporting.final": (Visit(),),
    # grant payments
    "payments.grant_payments": (Visit(),),
    "payments.overview": (Visit(),),
    # ranking and decisions
    "awards.ranking": (
        Visit(),
        Visit(args={"call_id": "restricted_call"}),  # and its other tabs: the lists, the changes
        Visit(query={"table": "inadmissible"}),
        Visit(query={"table": "withdrawn"}),
        Visit(query={"table": "changes"}),
    ),
    "awards.override_decision": (Visit(),),
    "awards.promote": (Visit(query={"lot": "lot"}),),
    "awards.finalise_call": (Visit(),),
    "awards.my_decisions": (Visit(),),
    "letters.index": (Visit(),),
    "settings.letters": (Visit(),),
    "awards.invite": (Visit(),),
    "awards.change_shortlist": (Visit(),),
    # reports and exports (staff)
    "exports.index": (Visit(),),
    "auditlog.index": (
        Visit(),
        Visit(query={"application": "NO-SUCH-1", "user": "staff"}),
    ),  # and a refused filter
    "exports.call_exports": (Visit(),),
    # a call's documents, clarifications and corrigenda
    "calldocs.documents": (Visit(), Visit(via="errors", status=400)),
    "calldocs.questions": (Visit(),),
    "calldocs.answer": (Visit(), Visit(via="errors", status=400)),
    "calldocs.corrigenda": (Visit(), Visit(via="errors", status=400)),
    "calldocs.faq": (Visit(),),
    "calldocs.ask": (Visit(), Visit(roles=("applicant",), via="errors", status=400)),
    # grants: contracts
    "contracts.call_contracts": (Visit(),),
    "contracts.index": (Visit(),),
    "contracts.show": (
        Visit(),
        Visit(args={"grant_id": "sent_grant"}, roles=("applicant", "staff")),
        Visit(args={"grant_id": "draft_grant"}, roles=("staff",)),
    ),
    "contracts.edit": (Visit(),),
    "contracts.budget": (Visit(args={"grant_id": "draft_grant"}),),
}

# GET routes that are not pages, and why
NOT_PAGES: dict[str, str] = {
    "public.health": "JSON for load balancers",
    "ops.live": "JSON: the liveness check",
    "ops.ready": "JSON: the readiness check",
    "ops.metrics": "Prometheus metrics (text), for a scraper holding the METRICS_TOKEN",
    "public.results_csv_file": "a call's results as open data (CSV)",
    "submission.download": "an uploaded PDF",
    "reporting.verification_file": "an uploaded PDF (the auditor's verification report)",
    "reporting.recovery_order": "a recovery order (PDF)",
    "calldocs.download": "a call document (PDF, DOCX, XLSX or ODT)",
    "calldocs.download_version": "an earlier version of a call document (a file)",
    "submission.receipt": "a PDF",
    "awards.letter": "a PDF",
    "awards.letter_preview": "a PDF",
    "letters.download": "a PDF",
    "contracts.pdf": "a PDF",
    "contracts.signed_pdf": "the contract the lead uploaded signed, a PDF",
    "settings.logo": "the authority's logo, an image",
    "exports.download": "a report file",
    "exports.jobs_fragment": "an htmx fragment of the exports pages, walked inside them",
    "static": "files",
}

# pages that are not routes: the error pages, opened by a URL that gives them
ERROR_PAGES: tuple[tuple[str, str, int], ...] = (  # (role, path, status)
    ("anonymous", "/no-such-page", 404),
    ("applicant", "/staff/calls/", 403),
)


def roles_for(endpoint: str, visit: Visit) -> tuple[str, ...]:
    if visit.roles is not None:
        return visit.roles
    answers = CLASSES[ROUTES[endpoint].get]
    let_in = [role for role in WALK_ROLES if role in ROLES and answers[ROLES.index(role)] == OK]
    if "staff" in let_in:
        let_in.remove("admin")
    return tuple(let_in)
