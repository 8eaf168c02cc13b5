"""Every submission condition (docs/domain.md 3): the check page lists the problem with a link to
fix it, and the submit POST is refused with the full list; nothing is numbered."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from grants.models import AttachmentKind, OrganisationType, PartnerStatus, StageStatus
from grants.rules.submission import REQUIRED_FIELDS
from tests.factories import make_application, make_call
from tests.factories.submission import check_url, ready_application, submit, text


@pytest.fixture
def lead(login_as):
    return login_as("applicant")


def _drop(application, kind):
    for attachment in [a for a in application.attachments if a.kind is kind]:
        application.attachments.remove(attachment)


def _partner_org(application):
    return application.partners[0].organisation


def _set(**values):
    def arrange(application):
        for name, value in values.items():
            setattr(application, name, value)

    return arrange


def _partner(**values):
    def arrange(application):
        for name, value in values.items():
            setattr(application.partners[0], name, value)

    return arrange


def _partner_org_set(**values):
    def arrange(application):
        for name, value in values.items():
            setattr(_partner_org(application), name, value)

    return arrange


def _lead_org_set(**values):
    def arrange(application):
        for name, value in values.items():
            setattr(application.lead, name, value)

    return arrange


def _no_partners(application):
    application.partners.clear()
    application.budget_lines.pop()


def _no_lines(application):
    application.budget_lines.clear()


def _another_application(application):
    make_application(application.call, lead=application.lead, status="submitted")


CASES = {
    **{
        f"missing {name}": (
            _set(**{name: None if name.endswith(("month", "months")) else "  "}),
            message,
        )
        for name, message in REQUIRED_FIELDS.items()
    },
    "no declaration": (
        lambda a: _drop(a, AttachmentKind.declaration),
        "Upload the lead applicant's signed declaration.",
    ),
    "no partnership statement": (
        lambda a: _drop(a, AttachmentKind.partnership_statement),
        "Upload the partnership statement of {partner}.",
    ),
    "lead type": (
        _lead_org_set(type=OrganisationType.regional_authority),
        "type of organisation may not lead an application in this call.",
    ),
    "lead country": (
        _lead_org_set(country="US"),
        "A lead applicant from US is not eligible in this call.",
    ),
    "partner country": (
        _partner_org_set(country="US"),
        "{partner}: organisations from US are not eligible partners in this call.",
    ),
    "partner type": (
        _partner_org_set(type=OrganisationType.association_of_local_authorities),
        "{partner}: this type of organisation may not be a partner in this call.",
    ),
    "too few partners": (
        _no_partners,
        "The application has 0 partner(s), fewer than the minimum of 1.",
    ),
    "country group": (
        _partner_org_set(country="TR"),
        "The partnership must include an organisation from one of: AT, BE, BG",
    ),
    "partner not confirmed": (
        _partner(status=PartnerStatus.proposed, confirmed_at=None),
        "{partner} has not confirmed its participation yet.",
    ),
    "partner declined": (
        _partner(status=PartnerStatus.declined, confirmed_at=None),
        "{partner} declined to take part: remove it or propose another partner.",
    ),
    "grant above max": (
        _set(requested_grant=Decimal("131000.00"), indirect=Decimal("7000.00")),
        "€131,000.00 is above the maximum of €130,000.00",
    ),
    "grant below min": (
        _set(requested_grant=Decimal("59000.00")),
        "€59,000.00 is below the minimum of €60,000.00",
    ),
    "rate above max": (
        _set(requested_grant=Decimal("99000.00")),
        "92.52% is above the maximum of 90%: the requested grant may be at most €96,300.00",
    ),
    "rate below min": (
        _set(requested_grant=Decimal("53000.00")),
        "49.53% is below the minimum of 50%: the requested grant must be at least €53,500.00",
    ),
    "indirect above cap": (
        _set(indirect=Decimal("7000.01")),
        "€7,000.01 are above the cap of 7% of direct costs (€7,000.00)",
    ),
    "contingency above cap": (
        _set(contingency=Decimal("5000.01")),
        "€5,000.01 is above the cap of 5% of direct costs (€5,000.00)",
    ),
    "duration above max": (
        _set(duration_months=25),
        "The duration of 25 months is above the call's maximum of 24 months.",
    ),
    "duration below min": (
        _set(duration_months=11),
        "The duration of 11 months is below the call's minimum of 12 months.",
    ),
    "no budget lines": (_no_lines, "Add at least one budget line."),
    "another application": (
        _another_application,
        "Your organisation already has another application in this call that is not withdrawn",
    ),
}


def _refused(client, post, db, application, expected: str) -> None:
    number_before = application.call.next_number
    page = client.get(check_url(application))
    assert page.status_code == 200
    assert expected in text(page) and "You cannot submit yet" in text(page)
    assert "Submit the application" not in text(page)
    response = submit(post, application)
    assert response.status_code == 400
    assert expected in text(response) and "Your application was not submitted" in text(response)
    db.session.expire_all()
    assert (
        application.stages[0].status is StageStatus.draft
        and application.stages[0].submitted_at is None
    )
    assert application.reference is None and application.call.next_number == number_before


@pytest.mark.parametrize("case", list(CASES))
def test_each_condition_blocks_submission(client, lead, post, db, case):
    arrange, message = CASES[case]
    application = ready_application(lead)
    arrange(application)
    db.session.commit()
    _refused(
        client,
        post,
        db,
        application,
        message.format(
            partner=application.partners[0].organisation.name if application.partners else ""
        ),
    )


def test_a_call_with_lots_needs_a_lot(client, lead, post, db):
    call = make_call(
        lots=[("Environment", Decimal("1300000.00")), ("Culture", Decimal("1300000.00"))]
    )
    application = ready_application(lead, call)
    application.lot = None
    db.session.commit()
    _refused(client, post, db, application, "Choose the lot the application is for.")


@pytest.mark.parametrize(
    "call_kw, message",
    [
        ({"status": "evaluation"}, "The call is not open for submissions."),
        ({"opens_in": timedelta(days=1)}, "The call opens for submissions on"),
        (
            {"opens_in": timedelta(days=-10), "deadline_in": timedelta(seconds=-1)},
            "has passed: applications are no longer accepted.",
        ),
    ],
)
def test_the_call_must_accept_submissions_now(client, lead, post, db, call_kw, message):
    application = ready_application(lead, make_call(**call_kw))
    _refused(client, post, db, application, message)


def test_every_problem_is_listed_at_once_each_with_a_link_to_fix_it(client, lead, db):
    application = ready_application(lead)
    application.title = ""
    application.requested_grant = Decimal("200000.00")
    application.partners[0].status = PartnerStatus.proposed
    _drop(application, AttachmentKind.declaration)
    db.session.commit()
    page = client.get(check_url(application)).get_data(as_text=True)
    assert "Fix these 5 problems" in page  # title, grant max, grant rate, confirmation, declaration
    assert f'href="/applications/{application.id}/attachments">Upload the lead applicant' in page
    assert (
        f'href="/applications/{application.id}/partnership">'
        f"{application.partners[0].organisation.name} has not" in page
    )


def test_a_withdrawn_other_application_does_not_count(client, lead, post, db):
    application = ready_application(lead)
    make_application(application.call, lead=application.lead, status="withdrawn")
    db.session.commit()
    assert submit(post, application).status_code == 302


def test_a_complete_application_shows_its_answers_and_the_submit_button(client, lead, db):
    application = ready_application(lead, title="Green <twin> towns")
    page = text(client.get(check_url(application)))
    assert "Everything needed is here" in page and "Submit the application" in page
    assert "Green <twin> towns" in page and "Project staff" in page and "€107,000.00" in page
    assert "declaration.pdf" in page and "Confirmed" in page
    assert "<twin>" not in client.get(check_url(application)).get_data(as_text=True)  # escaped
