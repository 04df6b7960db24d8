"""Reporting windows and schedules: period_reopenings (an admin's exception to the plan's
reporting calendar), report_schedule_items (reports a programme owes by a date), narratives
(a programme's words for a period, with attachments' descriptions)

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
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
    op.create_table(
        "report_schedule_items",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("programme_id", sa.String(36), sa.ForeignKey("programmes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reporting_org_ref", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("remind_days", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_report_schedule_items_programme", "report_schedule_items", ["programme_id", "due_date", "id"])
    op.create_index("ix_report_schedule_items_open", "report_schedule_items",
                    ["submitted_at", "escalated_at", "due_date"])
    op.create_table(
        "narratives",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("programme_id", sa.String(36), sa.ForeignKey("programmes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reporting_org_ref", sa.String(100), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("indicator_code", sa.String(100), nullable=True),
        sa.Column("category", sa.String(30), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("uq_narratives_slot", "narratives", ["programme_id", "period_start", "period_end", "subject"],
                    unique=True)


def downgrade():
    op.drop_index("uq_narratives_slot", table_name="narratives")
    op.drop_table("narratives")
    op.drop_index("ix_report_schedule_items_open", table_name="report_schedule_items")
    op.drop_index("ix_report_schedule_items_programme", table_name="report_schedule_items")
    op.drop_table("report_schedule_items")
    op.drop_index("ix_period_reopenings_period", table_name="period_reopenings")
    op.drop_table("period_reopenings")
