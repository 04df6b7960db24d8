"""result facts keep the approved version they count (revisions replace) and the programme's parent

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('result_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('parent_id', sa.String(length=36), nullable=True))


def downgrade():
    with op.batch_alter_table('result_facts', schema=None) as batch_op:
        batch_op.drop_column('parent_id')
        batch_op.drop_column('version')
