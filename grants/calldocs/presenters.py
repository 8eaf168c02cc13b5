"""How the documents' kinds and languages are named, in the reader's language (also for the
pages of other packages: template helpers registered by grants/templating.py)."""

from __future__ import annotations

from grants.i18n import lazy_gettext as _l
from grants.models import AttachmentKind, CallDocument, DocumentKind

KIND_LABELS = {
    DocumentKind.guidelines: _l("Guidelines for applicants"),
    DocumentKind.declaration_template: _l("Template of the lead applicant's declaration"),
    DocumentKind.partnership_statement_template: _l("Template of the partnership statement"),
    DocumentKind.contract_template: _l("Grant contract template"),
    DocumentKind.other: _l("Other document"),
}
LANGUAGE_LABELS = {"en": _l("English"), "tr": _l("Turkish")}
# the template each required attachment follows
TEMPLATE_OF = {
    AttachmentKind.declaration: DocumentKind.declaration_template,
    AttachmentKind.partnership_statement: DocumentKind.partnership_statement_template,
}


def document_label(document: CallDocument) -> str:
    return str(document.title or KIND_LABELS[document.kind])


def language_label(document: CallDocument) -> str:
    return str(LANGUAGE_LABELS[document.language])
