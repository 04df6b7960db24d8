"""IATI import: programmes' reported transactions (what an imported file reported, written back
on export) and import_chunks (activities staged chunk by chunk, applied in one transaction)

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
    op.create_table(
        "import_chunks",
        sa.Column("import_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("import_id", "seq"),
    )
    op.create_index("ix_import_chunks_created", "import_chunks", ["created_at"])
