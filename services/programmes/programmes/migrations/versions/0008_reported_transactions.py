"""reported transactions: what an imported IATI file reported (docs/iati.md), written back on export

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(sa.Column("reported_transactions", sa.JSON(), nullable=False, server_default="[]"))
