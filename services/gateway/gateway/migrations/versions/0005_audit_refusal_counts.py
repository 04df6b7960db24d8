"""refusals are audited as counts: one audit_log row per (key or client address, status, window)

A refused request (401, 403, 429) no longer adds a row each: the row of its key (or, with no
key, its client address), status and window (`window_start`) counts it (`count`, `last_at`),
so key guessing cannot fill the audit log. Every other row keeps count 1 and NULLs, which
never meet in the unique index.

Revision ID: 0005_audit_refusal_counts
Revises: 0004_webhook_disabled_reason
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_audit_refusal_counts'
down_revision = '0004_webhook_disabled_reason'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('count', sa.Integer, nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('last_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('window_start', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('refused_by', sa.String(120), nullable=True))
        batch_op.create_index('ux_audit_log_refusal', ['refused_by', 'status', 'window_start'], unique=True)


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ux_audit_log_refusal')
        batch_op.drop_column('refused_by')
        batch_op.drop_column('window_start')
        batch_op.drop_column('last_at')
        batch_op.drop_column('count')
