"""event feed in each producer's order: producer_sequence, and the held events

Revision ID: 0002_feed_order
Revises: 0001
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_feed_order'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_feed', schema=None) as batch_op:
        batch_op.add_column(sa.Column('producer_sequence', sa.BigInteger(), nullable=True))
        batch_op.create_index('ix_event_feed_producer_sequence', ['producer', 'producer_sequence'], unique=False)

    op.create_table('event_feed_held',
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('producer', sa.String(length=50), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('correlation_id', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('producer_sequence', sa.BigInteger(), nullable=False),
    sa.Column('previous', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    with op.batch_alter_table('event_feed_held', schema=None) as batch_op:
        batch_op.create_index('ix_event_feed_held_previous', ['producer', 'previous'], unique=False)
        batch_op.create_index('ix_event_feed_held_received', ['received_at'], unique=False)


def downgrade():
    op.drop_table('event_feed_held')
    with op.batch_alter_table('event_feed', schema=None) as batch_op:
        batch_op.drop_index('ix_event_feed_producer_sequence')
        batch_op.drop_column('producer_sequence')
