"""exchange rates: NUMERIC(18, 10) on PostgreSQL, as grants.models declares them

0002 created the four rate columns as NUMERIC(24, 10), while the model declares
ExactDecimal(18, 10) (18 digits: a rate scaled by 10**10 fits SQLite's 64-bit INTEGER) and
refuses to write a wider rate, so no stored rate is wider and narrowing loses nothing. Found by
tests/unit/test_migrations_match_models.py (alembic autogenerate against the models). On SQLite
the declared precision is not enforced (NUMERIC affinity holding scaled integers): nothing to do.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

RATE_COLUMNS = (("exchange_rates", "rate"), ("contributions", "exchange_rate"),
                ("contribution_receipts", "exchange_rate"), ("ledger", "exchange_rate"))


def _retype(old: sa.Numeric, new: sa.Numeric) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in RATE_COLUMNS:
        op.alter_column(table, column, type_=new, existing_type=old, existing_nullable=False)


def upgrade() -> None:
    _retype(sa.Numeric(24, 10), sa.Numeric(18, 10))


def downgrade() -> None:
    _retype(sa.Numeric(18, 10), sa.Numeric(24, 10))
