"""incremental progress: result facts with reach and period, programme/city/fund dimensions,
money transactions, applications, aggregate cells, totals, city reference counts, money cells,
plan bookkeeping and the last published progress

The facts of 0001/0002 cannot be converted (they lack reach, period and money context):
after upgrading an existing database run `python -m metrics.cli rebuild` to project the
history again from the programmes and grants outboxes.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

ID = 100


def upgrade():
    for name in ("grant_facts", "programme_facts", "result_facts"):
        op.drop_table(name)
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_processed_at', ['processed_at'], unique=False)

    op.create_table(
        'result_facts',
        sa.Column('result_id', sa.String(ID), primary_key=True),
        sa.Column('version', sa.Integer, nullable=False),
        sa.Column('programme_id', sa.String(ID), nullable=False),
        sa.Column('parent_id', sa.String(ID), nullable=True),
        sa.Column('indicator', sa.String(100), nullable=False),
        sa.Column('corporate', sa.Boolean, nullable=False),
        sa.Column('measure', sa.String(20), nullable=False),
        sa.Column('reach', sa.String(20), nullable=False),
        sa.Column('city_id', sa.String(ID), nullable=False),
        sa.Column('city_name', sa.String(200), nullable=False),
        sa.Column('country', sa.String(2), nullable=False),
        sa.Column('period_start', sa.Date, nullable=False),
        sa.Column('period_end', sa.Date, nullable=False),
        sa.Column('value', sa.BigInteger, nullable=False),
    )
    op.create_table(
        'metric_programmes',
        sa.Column('programme_id', sa.String(ID), primary_key=True),
        sa.Column('version', sa.Integer, nullable=False),
        sa.Column('parent_id', sa.String(ID), nullable=True),
        sa.Column('title', sa.String(500), nullable=True),
        sa.Column('window', sa.String(30), nullable=True),
        sa.Column('themes', sa.JSON, nullable=False),
        sa.Column('sdg_goals', sa.JSON, nullable=False),
        sa.Column('countries', sa.JSON, nullable=False),
        sa.Column('status', sa.String(30), nullable=True),
    )
    op.create_table(
        'metric_cities',
        sa.Column('city_id', sa.String(ID), primary_key=True),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('country', sa.String(2), nullable=False),
    )
    op.create_table(
        'metric_funds',
        sa.Column('fund_id', sa.String(ID), primary_key=True),
        sa.Column('name', sa.String(500), nullable=False),
        sa.Column('window', sa.String(30), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
    )
    op.create_table(
        'metric_money_txns',
        sa.Column('kind', sa.String(20), primary_key=True),
        sa.Column('txn_id', sa.String(ID), primary_key=True),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('amount', sa.BigInteger, nullable=False),
        sa.Column('day', sa.Date, nullable=False),
        sa.Column('fund_id', sa.String(ID), nullable=False),
        sa.Column('window', sa.String(30), nullable=False),
        sa.Column('theme', sa.String(100), nullable=False),
        sa.Column('country', sa.String(2), nullable=False),
        sa.Column('programme_id', sa.String(ID), nullable=False),
    )
    op.create_table(
        'metric_applications',
        sa.Column('application_id', sa.String(ID), primary_key=True),
        sa.Column('rank', sa.Integer, nullable=False),
        sa.Column('status', sa.String(30), nullable=False),
        sa.Column('fund_id', sa.String(ID), nullable=False),
        sa.Column('window', sa.String(30), nullable=False),
        sa.Column('theme', sa.String(100), nullable=False),
        sa.Column('country', sa.String(2), nullable=False),
        sa.Column('city', sa.String(200), nullable=False),
        sa.Column('programme_id', sa.String(ID), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('amount_requested', sa.BigInteger, nullable=False),
        sa.Column('targets', sa.JSON, nullable=False),
    )
    op.create_index('ix_metric_applications_status', 'metric_applications', ['status'])
    op.create_table(
        'metric_cells',
        sa.Column('plan_id', sa.String(100), primary_key=True),
        sa.Column('indicator', sa.String(100), primary_key=True),
        sa.Column('reach', sa.String(20), primary_key=True),
        sa.Column('programme_id', sa.String(ID), primary_key=True),
        sa.Column('city_id', sa.String(ID), primary_key=True),
        sa.Column('country', sa.String(2), primary_key=True),
        sa.Column('period_end', sa.Date, primary_key=True),
        sa.Column('value', sa.BigInteger, nullable=False),
        sa.Column('n', sa.Integer, nullable=False),
    )
    op.create_table(
        'metric_totals',
        sa.Column('plan_id', sa.String(100), primary_key=True),
        sa.Column('indicator', sa.String(100), primary_key=True),
        sa.Column('reach', sa.String(20), primary_key=True),
        sa.Column('period_end', sa.Date, primary_key=True),
        sa.Column('value', sa.BigInteger, nullable=False),
        sa.Column('n', sa.Integer, nullable=False),
    )
    op.create_table(
        'metric_city_refs',
        sa.Column('plan_id', sa.String(100), primary_key=True),
        sa.Column('indicator', sa.String(100), primary_key=True),
        sa.Column('city_id', sa.String(ID), primary_key=True),
        sa.Column('country', sa.String(2), primary_key=True),
        sa.Column('period_end', sa.Date, primary_key=True),
        sa.Column('n', sa.Integer, nullable=False),
    )
    op.create_table(
        'metric_money',
        sa.Column('kind', sa.String(20), primary_key=True),
        sa.Column('currency', sa.String(3), primary_key=True),
        sa.Column('fund_id', sa.String(ID), primary_key=True),
        sa.Column('window', sa.String(30), primary_key=True),
        sa.Column('theme', sa.String(100), primary_key=True),
        sa.Column('country', sa.String(2), primary_key=True),
        sa.Column('programme_id', sa.String(ID), primary_key=True),
        sa.Column('day', sa.Date, primary_key=True),
        sa.Column('amount', sa.BigInteger, nullable=False),
    )
    op.create_table(
        'metric_plans',
        sa.Column('plan_id', sa.String(100), primary_key=True),
        sa.Column('definition_hash', sa.String(64), nullable=False),
        sa.Column('built_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        'metric_published',
        sa.Column('plan_id', sa.String(100), primary_key=True),
        sa.Column('revision', sa.Integer, nullable=False),
        sa.Column('body_hash', sa.String(64), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    )


def downgrade():
    for name in ("metric_published", "metric_plans", "metric_money", "metric_city_refs", "metric_totals",
                 "metric_cells", "metric_applications", "metric_money_txns", "metric_funds", "metric_cities",
                 "metric_programmes", "result_facts"):
        op.drop_table(name)
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_processed_at')
    op.create_table(
        'result_facts',
        sa.Column('result_id', sa.String(36), primary_key=True),
        sa.Column('programme_id', sa.String(36), nullable=False, index=True),
        sa.Column('indicator', sa.String(100), nullable=False),
        sa.Column('city_name', sa.String(200), nullable=False),
        sa.Column('city_country', sa.String(2), nullable=False),
        sa.Column('value', sa.BigInteger, nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer, server_default='1', nullable=False),
        sa.Column('parent_id', sa.String(36), nullable=True),
    )
    op.create_index('ix_result_facts_indicator', 'result_facts', ['indicator', 'city_country', 'city_name'])
    op.create_table(
        'programme_facts',
        sa.Column('programme_id', sa.String(36), primary_key=True),
        sa.Column('funding_window', sa.String(30), nullable=False),
        sa.Column('themes', sa.JSON, nullable=False),
        sa.Column('countries', sa.JSON, nullable=False),
    )
    op.create_table(
        'grant_facts',
        sa.Column('grant_id', sa.String(36), primary_key=True),
        sa.Column('programme_id', sa.String(36), nullable=False, index=True),
        sa.Column('amount', sa.Numeric(20, 2), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('awarded_at', sa.DateTime(timezone=True), nullable=False),
    )
