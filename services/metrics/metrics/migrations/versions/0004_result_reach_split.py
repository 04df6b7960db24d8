"""result facts carry the result's reach split (its `reach` disaggregation: direct and indirect
parts); the rest of the value counts as the indicator's reach, so existing facts (0, 0) count
exactly as before

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('result_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('split_direct', sa.BigInteger, nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('split_indirect', sa.BigInteger, nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('result_facts', schema=None) as batch_op:
        batch_op.drop_column('split_indirect')
        batch_op.drop_column('split_direct')
