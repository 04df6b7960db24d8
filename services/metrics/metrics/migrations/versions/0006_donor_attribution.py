"""money transactions name their contributor (receipts) and grant (grant money), for donor
attribution; programmes their reporting organisation, for the drill-down's access. Existing rows
get "" (NULL) until `python -m metrics.cli rebuild` re-reads the outboxes (docs/metrics.md,
"Donor attribution", "Drill-down")

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('metric_money_txns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contributor', sa.String(300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('grant_id', sa.String(100), nullable=False, server_default=''))
    with op.batch_alter_table('metric_programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation', sa.String(200), nullable=True))


def downgrade():
    with op.batch_alter_table('metric_programmes', schema=None) as batch_op:
        batch_op.drop_column('organisation')
    with op.batch_alter_table('metric_money_txns', schema=None) as batch_op:
        batch_op.drop_column('grant_id')
        batch_op.drop_column('contributor')
