"""webhook subscriptions say why they stopped: disabled_reason

A subscription stops when its organisation deletes it or when the key that created it is
revoked (its deliveries would otherwise go on with the role and organisation of a dead key).

Revision ID: 0004_webhook_disabled_reason
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004_webhook_disabled_reason'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhook_subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled_reason', sa.String(200), nullable=True))
    # Subscriptions of keys revoked before this revision stop now, as they would have.
    op.execute("UPDATE webhook_subscriptions SET active = false, disabled_reason = 'the key that created it "
               "was revoked' WHERE active = true AND created_by IN (SELECT id FROM api_keys "
               "WHERE revoked_at IS NOT NULL)")
    op.execute("UPDATE webhook_subscriptions SET disabled_reason = 'deleted' WHERE active = false "
               "AND disabled_reason IS NULL")


def downgrade():
    with op.batch_alter_table('webhook_subscriptions', schema=None) as batch_op:
        batch_op.drop_column('disabled_reason')
