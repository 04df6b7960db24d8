"""result facts carry their indicator's reporting (per_period, cumulative) and roll-up rule
(shared.rollup); facts stored before 0005 were per-period sums, so they count exactly as before.
Plans' definition hash moves to rules 2: aggregates are rebuilt from the facts once.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('result_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporting', sa.String(12), nullable=False, server_default='per_period'))
        batch_op.add_column(sa.Column('rollup', sa.String(8), nullable=False, server_default='sum'))


def downgrade():
    with op.batch_alter_table('result_facts', schema=None) as batch_op:
        batch_op.drop_column('rollup')
        batch_op.drop_column('reporting')
