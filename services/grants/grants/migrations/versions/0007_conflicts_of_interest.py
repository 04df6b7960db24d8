"""conflicts of interest: declared conflicts, the review panel, partners and review visibility

A reviewer may declare a conflict on an application (`review_conflicts`, one per key per
application); a call's administrator assigns reviewers (`review_assignments`, one per key per
application). An application names its partner organisations (their reviewers are conflicted;
existing applications named none: `[]`), and a call says who sees whose reviews
(`review_visibility`; existing calls `shared`, which is what reviewers who had reviewed saw).
A grant's agreement is signed by the grantee then countersigned by the fund before a tranche is
paid; grants awarded before 0007 had their agreements outside the platform: `not_recorded`.
Payment requests (`payment_requests`) go through two approvals to payment.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

# as grants.models declares them (ExactDecimal: NUMERIC on PostgreSQL, scaled integers on SQLite)
MONEY, RATE = sa.Numeric(precision=20, scale=2), sa.Numeric(precision=18, scale=10)

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _reviewer_table(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('application_id', sa.String(length=36), nullable=False),
        sa.Column('reviewer', sa.String(length=200), nullable=False),
        sa.Column('reviewer_organisation', sa.String(length=300), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('application_id', 'reviewer', name=f'uq_{name}_reviewer'))
    with op.batch_alter_table(name) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{name}_reviewer'), ['reviewer'], unique=False)


def upgrade() -> None:
    _reviewer_table('review_conflicts', sa.Column('reason', sa.String(length=2000), nullable=False),
                    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False))
    _reviewer_table('review_assignments', sa.Column('assigned_by', sa.String(length=200), nullable=False),
                    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False))
    with op.batch_alter_table('applications') as batch_op:
        batch_op.add_column(sa.Column('partner_organisations', sa.JSON(), server_default='[]', nullable=False))
    with op.batch_alter_table('calls') as batch_op:
        batch_op.add_column(sa.Column('review_visibility', sa.String(length=10), server_default='shared',
                                      nullable=False))
    with op.batch_alter_table('grants') as batch_op:
        batch_op.add_column(sa.Column('agreement_status', sa.String(length=20), server_default='unsigned',
                                      nullable=False))
        batch_op.add_column(sa.Column('grantee_signed_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('grantee_signed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('fund_signed_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('fund_signed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE grants SET agreement_status = 'not_recorded'")
    op.create_table(
        'payment_requests',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('grant_id', sa.String(length=36), nullable=False),
        sa.Column('tranche_id', sa.String(length=36), nullable=False),
        sa.Column('tranche_number', sa.Integer(), nullable=False),
        sa.Column('amount', MONEY, nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('original_amount', MONEY, nullable=False),
        sa.Column('original_currency', sa.String(length=3), nullable=False),
        sa.Column('exchange_rate', RATE, nullable=False),
        sa.Column('value_date', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('submitted_by', sa.String(length=200), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('programme_approved_by', sa.String(length=200), nullable=True),
        sa.Column('programme_approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finance_approved_by', sa.String(length=200), nullable=True),
        sa.Column('finance_approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('paid_value_date', sa.Date(), nullable=True),
        sa.Column('disbursement_id', sa.String(length=36), nullable=True),
        sa.Column('failure_reason', sa.String(length=2000), nullable=True),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], ),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('payment_requests') as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_requests_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_requests_status'), ['status'], unique=False)
        batch_op.create_index('ix_payment_requests_page', ['submitted_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_table('payment_requests')
    # plain DROP COLUMN (SQLite 3.35+): a batch copy of `calls` would trip the foreign keys onto it
    for column in ('fund_signed_at', 'fund_signed_by', 'grantee_signed_at', 'grantee_signed_by',
                   'agreement_status'):
        op.drop_column('grants', column)
    op.drop_column('calls', 'review_visibility')
    op.drop_column('applications', 'partner_organisations')
    op.drop_table('review_assignments')
    op.drop_table('review_conflicts')
