"""audit events by call and application; the reason of a declared conflict of interest

The staff audit-log page filters events by call and application: each event now says which call and
application it concerns (grants.audit fills them in). Events written before this migration get them
from their object where it still exists; an event whose object is gone (an assignment removed since)
keeps none. An evaluator who declares a conflict of interest now says what it is (conflict_reason).

Revision ID: 060eda038159
Revises: d2ba5220db2c
Create Date: 2026-12-07 06:09:07.088562

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '060eda038159'
down_revision = 'd2ba5220db2c'
branch_labels = None
depends_on = None

ID = "CAST(audit_event.object_id AS INTEGER)"  # only read on rows of the type named in the WHERE clause
CALL_OF = {  # object type -> its call
    "Call": ID,
    "CallEvaluator": f"(SELECT call_id FROM call_evaluator WHERE id = {ID})",
    "Grid": f"(SELECT call_id FROM grid WHERE id = {ID})",
    "ReportJob": f"(SELECT call_id FROM report_job WHERE id = {ID})",
}
APPLICATION_OF = {  # object type -> its application
    "Application": ID,
    "ApplicationStage": f"(SELECT application_id FROM application_stage WHERE id = {ID})",
    "Partner": f"(SELECT application_id FROM partner WHERE id = {ID})",
    "Attachment": f"(SELECT application_id FROM attachment WHERE id = {ID})",
    "PartnerInvitation": f"(SELECT application_id FROM partner_invitation WHERE id = {ID})",
    "Assignment": f"(SELECT s.application_id FROM assignment a JOIN application_stage s ON s.id = a.stage_id "
                  f"WHERE a.id = {ID})",
    "Evaluation": f"(SELECT s.application_id FROM evaluation e JOIN assignment a ON a.id = e.assignment_id "
                  f"JOIN application_stage s ON s.id = a.stage_id WHERE e.id = {ID})",
}


def upgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflict_reason', sa.Text(), nullable=True))

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('call_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('application_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_event_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_call_id'), ['call_id'], unique=False)

    for kind, call in CALL_OF.items():
        op.execute(f"UPDATE audit_event SET call_id = {call} WHERE object_type = '{kind}' AND object_id IS NOT NULL")
    for kind, application in APPLICATION_OF.items():
        op.execute(f"UPDATE audit_event SET application_id = {application} "
                   f"WHERE object_type = '{kind}' AND object_id IS NOT NULL")
    op.execute("UPDATE audit_event SET call_id = (SELECT call_id FROM application WHERE application.id = "
               "audit_event.application_id) WHERE application_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_call_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_application_id'))
        batch_op.drop_column('application_id')
        batch_op.drop_column('call_id')

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('conflict_reason')
