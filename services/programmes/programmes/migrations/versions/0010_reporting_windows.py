"""Reporting windows: period_reopenings (an admin's exception to the plan's reporting calendar)

Revision ID: 0010
Revises: 0008 (the merger re-chains it after 0009)
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "period_reopenings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("programme_id", sa.String(36), sa.ForeignKey("programmes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_by", sa.String(200), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_period_reopenings_period", "period_reopenings", ["programme_id", "period_start", "period_end"])


def downgrade():
    op.drop_index("ix_period_reopenings_period", table_name="period_reopenings")
    op.drop_table("period_reopenings")
