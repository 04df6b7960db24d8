"""valid-time history of results: result_versions (every approved version with when it counted,
[approved_at, superseded_at)) and result_facts.approved_at, for as_of (docs/metrics.md, "As of a
date"). Backfill: metrics never stored approval times, so each existing fact becomes one version
approved at the start of its period end (UTC): as_of answers stay what they were (a result counted
from its period end) until `python -m metrics.cli rebuild` re-reads every version with its real
approval time from the programmes outbox

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

COLUMNS = ('result_id', 'version', 'programme_id', 'parent_id', 'indicator', 'corporate', 'measure', 'reach',
           'city_id', 'city_name', 'country', 'period_start', 'period_end', 'value', 'split_direct',
           'split_indirect', 'reporting', 'rollup')


def upgrade():
    with op.batch_alter_table('result_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'result_versions',
        sa.Column('result_id', sa.String(100), primary_key=True),
        sa.Column('version', sa.Integer, primary_key=True),
        sa.Column('programme_id', sa.String(100), nullable=False),
        sa.Column('parent_id', sa.String(100), nullable=True),
        sa.Column('indicator', sa.String(100), nullable=False),
        sa.Column('corporate', sa.Boolean, nullable=False),
        sa.Column('measure', sa.String(20), nullable=False),
        sa.Column('reach', sa.String(20), nullable=False),
        sa.Column('city_id', sa.String(100), nullable=False),
        sa.Column('city_name', sa.String(200), nullable=False),
        sa.Column('country', sa.String(2), nullable=False),
        sa.Column('period_start', sa.Date, nullable=False),
        sa.Column('period_end', sa.Date, nullable=False),
        sa.Column('value', sa.BigInteger, nullable=False),
        sa.Column('split_direct', sa.BigInteger, nullable=False, server_default='0'),
        sa.Column('split_indirect', sa.BigInteger, nullable=False, server_default='0'),
        sa.Column('reporting', sa.String(12), nullable=False, server_default='per_period'),
        sa.Column('rollup', sa.String(8), nullable=False, server_default='sum'),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    )
    # the start of the period end, as each dialect stores UTCDateTime (SQLite: naive UTC text)
    start = ("CAST(period_end AS timestamp) AT TIME ZONE 'UTC'" if op.get_bind().dialect.name == 'postgresql'
             else "period_end || ' 00:00:00.000000'")
    op.execute(f"UPDATE result_facts SET approved_at = {start} WHERE version > 0")
    columns = ', '.join(COLUMNS)
    op.execute(f"INSERT INTO result_versions ({columns}, approved_at) "
               f"SELECT {columns}, approved_at FROM result_facts WHERE version > 0")


def downgrade():
    op.drop_table('result_versions')
    with op.batch_alter_table('result_facts', schema=None) as batch_op:
        batch_op.drop_column('approved_at')
