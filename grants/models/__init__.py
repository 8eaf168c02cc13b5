"""All models, imported here so that metadata and Alembic see every table."""

from grants.models.admissibility import AdmissibilityRequest, CheckOverride, RequestStatus
from grants.models.applications import (
    Application,
    ApplicationStage,
    Attachment,
    AttachmentKind,
    BudgetLine,
    LogframeIndicator,
    LogframeResult,
    Partner,
    PartnerStatus,
    StageStatus,
)
from grants.models.audit import AuditEvent
from grants.models.call_documents import (
    CallDocument,
    CallDocumentVersion,
    CallQuestion,
    Corrigendum,
    DocumentKind,
)
from grants.models.calls import (
    AwardRule,
    Call,
    CallStatus,
    Criterion,
    Grid,
    GridSection,
    Lot,
    Procedure,
    Stage,
)
from grants.models.committee import (
    CommitteeApproval,
    CommitteeMember,
    CommitteeMinutes,
    CommitteeRole,
)
from grants.models.decisions import DecisionOverride
from grants.models.evaluation import (
    Assignment,
    CallEvaluator,
    ConflictStatus,
    Evaluation,
    Score,
    SectionComment,
    SectionFinal,
    StageFinal,
)
from grants.models.invitations import PartnerInvitation
from grants.models.jobs import JobStatus, MailStatus, OutboxMessage, ReportJob
from grants.models.letters import Authority, IssuedLetter, LetterKind
from grants.models.messages import MessageLog, ReminderOptOut, SentReminder
from grants.models.organisations import Organisation, OrganisationType
from grants.models.users import Role, User, UserSession

__all__ = [
    "AdmissibilityRequest",
    "CheckOverride",
    "RequestStatus",
    "MessageLog",
    "ReminderOptOut",
    "SentReminder",
    "Application",
    "ApplicationStage",
    "Assignment",
    "Attachment",
    "AttachmentKind",
    "AuditEvent",
    "Authority",
    "AwardRule",
    "BudgetLine",
    "Call",
    "CallDocument",
    "CallDocumentVersion",
    "CallQuestion",
    "CallEvaluator",
    "CallStatus",
    "CommitteeApproval",
    "CommitteeMember",
    "CommitteeMinutes",
    "CommitteeRole",
    "ConflictStatus",
    "Corrigendum",
    "Criterion",
    "DecisionOverride",
    "DocumentKind",
    "Evaluation",
    "Grid",
    "GridSection",
    "IssuedLetter",
    "JobStatus",
    "LetterKind",
    "LogframeIndicator",
    "LogframeResult",
    "Lot",
    "MailStatus",
    "Organisation",
    "OrganisationType",
    "OutboxMessage",
    "Partner",
    "PartnerInvitation",
    "PartnerStatus",
    "Procedure",
    "ReportJob",
    "Role",
    "Score",
    "SectionComment",
    "SectionFinal",
    "Stage",
    "StageFinal",
    "StageStatus",
    "User",
    "UserSession",
]
