"""The staff form for a call's settings (input only; the rules live in
grants.rules.call_settings)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from grants.auth.choices import ORGANISATION_TYPE_LABELS
from grants.calls.fields import (
    CodesField,
    DecimalText,
    GroupsField,
    LineField,
    LinesField,
    MultiCheckboxField,
    PercentText,
)
from grants.i18n import lazy_gettext as _l
from grants.models import OrganisationType

TYPE_LABELS = {t.value: label for t, label in ORGANISATION_TYPE_LABELS.items()}
PROCEDURE_LABELS = {
    "open": _l("Open: full applications only"),
    "restricted": _l("Restricted: concept note first"),
}
TYPE_CHOICES = [SelectChoice(t.value, TYPE_LABELS[t.value]) for t in OrganisationType]
TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
LABELS = {
    "reference": _l("Reference"),
    "title": _l("Title"),
    "description": _l("Description"),
    "themes": _l("Themes"),
    "currency": _l("Currency"),
    "timezone": _l("Time zone"),
    "procedure": _l("Procedure"),
    "opens_at": _l("Opens at"),
    "concept_note_deadline": _l("Concept-note deadline"),
    "deadline": _l("Full-application deadline"),
    "total_budget": _l("Total budget"),
    "lots": _l("Lot"),
    "grant_min": _l("Minimum grant"),
    "grant_max": _l("Maximum grant"),
    "min_rate": _l("Minimum grant rate (%)"),
    "max_rate": _l("Maximum grant rate (%)"),
    "duration_min": _l("Minimum duration (months)"),
    "duration_max": _l("Maximum duration (months)"),
    "indirect_rate": _l("Indirect costs cap (% of direct costs)"),
    "contingency_rate": _l("Contingency reserve cap (% of direct costs)"),
    "lead_countries": _l("Lead applicant countries"),
    "lead_types": _l("Lead applicant types"),
    "partner_countries": _l("Partner countries"),
    "partner_types": _l("Partner types"),
    "partners_min": _l("Minimum number of partners"),
    "partners_max": _l("Maximum number of partners"),
    "country_groups": _l("Country groups"),
    "max_applications_per_lead": _l("Applications per lead applicant"),
    "evaluators_per_application": _l("Evaluators per application"),
    "discrepancy_threshold": _l("Discrepancy threshold (points)"),
    "reserve_list_length": _l("Reserve-list length"),
    "award_rule": _l("Award rule"),
    "shortlist_ratio": _l("Shortlist ratio"),
    "complaint_days": _l("Days to complain after a decision letter"),
    "document_request_days": _l("Days to send a document asked for at the administrative check"),
    "single_max_months": _l("Single payment: longest implementation period (months)"),
    "single_max_grant": _l("Single payment: largest maximum grant"),
    "single_prefinancing_rate": _l("Single pre-financing (percent of the maximum grant)"),
    "prefinancing_due_days": _l("First pre-financing due (days after the contract is in force)"),
    "period_months": _l("Reporting period (months)"),
    "instalment_due_days": _l("Next instalment due (days after the interim report is approved)"),
    "instalment_condition_rate": _l("Next instalment: share of the last one covered (%)"),
    "prefinancing_ceiling_rate": _l("Pre-financing ceiling (percent of the maximum grant)"),
    "interim_report_days": _l("Interim report due (days after the period ends)"),
    "final_report_days": _l("Final report due (days after the end date)"),
    "verification_threshold": _l("Expenditure verification above this maximum grant"),
    "heading_flexibility_rate": _l("Budget heading flexibility (%)"),
    "logframe_required": _l("Applications must include a logical framework"),
    "report_reminder_days": _l("Report reminder (days before it is due)"),
    "payment_reminder_days": _l("Payment reminder to staff (days before it is due)"),
    "draft_reminder_first_days": _l("First draft reminder (days)"),
    "draft_reminder_last_days": _l("Last draft reminder (days)"),
    "evaluation_reminder_days": _l("Evaluation reminder (days)"),
}


def _required():
    return InputRequired(message=_l("Enter a value."))


class LotForm(Form):
    code = StringField(_l("Code"))
    name = StringField(_l("Name"))
    themes = LineField(_l("Themes (comma separated)"))
    budget = DecimalText(_l("Budget"))
    remove = BooleanField(_l("Remove this lot"))

    def is_blank(self) -> bool:
        return not (
            self.code.data
            or self.name.data
            or self.themes.data
            or (self.budget.raw_data or [""])[0]
        )


class CallForm(FlaskForm):
    reference = StringField(
        LABELS["reference"],
        [_required(), Length(max=32)],
        filters=[lambda v: v.strip() if v else v],
    )
    title = StringField(LABELS["title"], [_required(), Length(max=300)])
    description = TextAreaField(LABELS["description"])
    themes = LinesField(LABELS["themes"])
    currency = StringField(
        LABELS["currency"], [_required()], filters=[lambda v: v.strip().upper() if v else v]
    )
    timezone = StringField(
        LABELS["timezone"], [_required()], filters=[lambda v: v.strip() if v else v]
    )
    procedure = RadioField(
        LABELS["procedure"], choices=[SelectChoice(k, v) for k, v in PROCEDURE_LABELS.items()]
    )
    opens_at = DateTimeLocalField(LABELS["opens_at"], [_required()], format=TIME_FORMATS)
    concept_note_deadline = DateTimeLocalField(
        LABELS["concept_note_deadline"], [Optional()], format=TIME_FORMATS
    )
    deadline = DateTimeLocalField(LABELS["deadline"], [_required()], format=TIME_FORMATS)

    total_budget = DecimalText(LABELS["total_budget"], [_required()])
    lots = FieldList(FormField(LotForm), label=LABELS["lots"])
    add_lot = SubmitField(_l("Add another lot"))
    grant_min = DecimalText(LABELS["grant_min"], [_required()])
    grant_max = DecimalText(LABELS["grant_max"], [_required()])
    min_rate = PercentText(LABELS["min_rate"], [_required()])
    max_rate = PercentText(LABELS["max_rate"], [_required()])
    duration_min = IntegerField(LABELS["duration_min"], [_required()])
    duration_max = IntegerField(LABELS["duration_max"], [_required()])
    indirect_rate = PercentText(LABELS["indirect_rate"], [_required()])
    contingency_rate = PercentText(LABELS["contingency_rate"], [_required()])

    lead_countries = CodesField(LABELS["lead_countries"])
    lead_types = MultiCheckboxField(
        LABELS["lead_types"], choices=TYPE_CHOICES, validate_choice=True
    )
    partner_countries = CodesField(LABELS["partner_countries"])
    partner_types = MultiCheckboxField(
        LABELS["partner_types"], choices=TYPE_CHOICES, validate_choice=True
    )
    partners_min = IntegerField(LABELS["partners_min"], [_required()])
    partners_max = IntegerField(LABELS["partners_max"], [_required()])
    country_groups = GroupsField(LABELS["country_groups"])
    max_applications_per_lead = IntegerField(LABELS["max_applications_per_lead"], [_required()])

    evaluators_per_application = IntegerField(LABELS["evaluators_per_application"], [_required()])
    discrepancy_threshold = DecimalText(LABELS["discrepancy_threshold"], [_required()], cents=False)
    reserve_list_length = IntegerField(LABELS["reserve_list_length"], [Optional()])
    award_rule = RadioField(
        LABELS["award_rule"],
        choices=[
            SelectChoice(
                "strict",
                _l(
                    "Strict: the first application that does not fit and all below it go to the "
                    "reserve list"
                ),
            ),
            SelectChoice(
                "fill",
                _l(
                    "Fill: skip an application that does not fit and go on with the next one that "
                    "fits"
                ),
            ),
        ],
    )
    shortlist_ratio = DecimalText(LABELS["shortlist_ratio"], [_required()], cents=False)
    complaint_days = IntegerField(LABELS["complaint_days"], [_required()])
    document_request_days = IntegerField(LABELS["document_request_days"], [_required()])

    single_max_months = IntegerField(LABELS["single_max_months"], [_required()])
    single_max_grant = DecimalText(LABELS["single_max_grant"], [_required()])
    single_prefinancing_rate = PercentText(LABELS["single_prefinancing_rate"], [_required()])
    prefinancing_due_days = IntegerField(LABELS["prefinancing_due_days"], [_required()])
    period_months = IntegerField(LABELS["period_months"], [_required()])
    instalment_due_days = IntegerField(LABELS["instalment_due_days"], [_required()])
    instalment_condition_rate = PercentText(LABELS["instalment_condition_rate"], [_required()])
    prefinancing_ceiling_rate = PercentText(LABELS["prefinancing_ceiling_rate"], [_required()])
    interim_report_days = IntegerField(LABELS["interim_report_days"], [_required()])
    final_report_days = IntegerField(LABELS["final_report_days"], [_required()])
    verification_threshold = DecimalText(LABELS["verification_threshold"], [_required()])
    heading_flexibility_rate = PercentText(LABELS["heading_flexibility_rate"], [_required()])
    logframe_required = BooleanField(LABELS["logframe_required"])
    draft_reminder_first_days = IntegerField(LABELS["draft_reminder_first_days"], [_required()])
    report_reminder_days = IntegerField(LABELS["report_reminder_days"], [_required()])
    payment_reminder_days = IntegerField(LABELS["payment_reminder_days"], [_required()])
    draft_reminder_last_days = IntegerField(LABELS["draft_reminder_last_days"], [_required()])
    evaluation_reminder_days = IntegerField(LABELS["evaluation_reminder_days"], [_required()])
    save = SubmitField(_l("Save call"))
