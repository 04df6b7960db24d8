"""An admin approves a submitted scheduled report (approved_at, approved_by): its period takes no
more entries of the programme (domain/periods.py)

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report_schedule_items") as batch:
        batch.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("approved_by", sa.String(200), nullable=True))


def downgrade():
    with op.batch_alter_table("report_schedule_items") as batch:
        batch.drop_column("approved_by")
        batch.drop_column("approved_at")
