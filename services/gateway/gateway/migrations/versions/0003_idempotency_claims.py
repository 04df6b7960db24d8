"""idempotency claims expire: claimed_until

A claim of an Idempotency-Key holds off retries (409) only until `claimed_until` (the RPC
deadline plus a margin), so the claim of a crashed gateway does not block its key for 24 h;
a 5xx releases it (NULL) instead of deleting it, and the retry re-sends the same request key.

Revision ID: 0003
Revises: 0002_feed_order
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002_feed_order'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
