"""commands: the outcome of each state-changing RPC by request key (shared.commands)

A repeated request key (a client's retry with the same Idempotency-Key, or the broker
redelivering a request whose worker died after commit) answers the stored outcome instead
of running the command again. Rows are pruned after COMMANDS_TTL_HOURS.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "commands",
        sa.Column("request_key", sa.String(200), nullable=False),
        sa.Column("command", sa.String(100), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("request_key", "command"),
    )
    op.create_index("ix_commands_created", "commands", ["created_at"])


def downgrade():
    op.drop_index("ix_commands_created", table_name="commands")
    op.drop_table("commands")
