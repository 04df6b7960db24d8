"""payment requests may be rejected at either approval level, with a reason

Four nullable columns on payment_requests (existing requests: none rejected).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payment_requests') as batch_op:
        batch_op.add_column(sa.Column('rejected_stage', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('rejected_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('rejected_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('rejection_reason', sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('payment_requests') as batch_op:
        for column in ('rejection_reason', 'rejected_at', 'rejected_by', 'rejected_stage'):
            batch_op.drop_column(column)
