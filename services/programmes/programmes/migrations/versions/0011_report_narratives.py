"""Report schedule items keep the narratives submitted with the report (narrative_ids)

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report_schedule_items") as batch:
        batch.add_column(sa.Column("narrative_ids", sa.JSON(), nullable=False, server_default="[]"))


def downgrade():
    with op.batch_alter_table("report_schedule_items") as batch:
        batch.drop_column("narrative_ids")
