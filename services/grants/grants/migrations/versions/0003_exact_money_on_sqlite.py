"""exact money on SQLite: NUMERIC columns (stored as REAL there) become scaled integers

grants.models now declares money, rates and shares as shared.persistence.ExactDecimal: NUMERIC
on PostgreSQL (nothing changes there) and, on SQLite, an integer holding the value times
10**scale, so SQL sums and comparisons are exact. This revision rewrites every existing SQLite
value exactly: the stored float is read through its shortest repr (Decimal(repr(x)), never float
arithmetic), rounded half-even to the column's scale and scaled to an integer. The columns keep
their declared NUMERIC type, whose affinity stores integers as integers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 23:30:00
"""
from decimal import ROUND_HALF_EVEN, Decimal

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

MONEY, RATE, SHARE = 2, 10, 4
# table: (primary key columns, {column: scale})
COLUMNS = {
    "funds": (("id",), {"min_grant": MONEY, "max_grant": MONEY, "max_cofinancing_share": SHARE}),
    "ledger": (("id",), {"amount": MONEY, "original_amount": MONEY, "exchange_rate": RATE}),
    "exchange_rates": (("from_currency", "to_currency", "effective_date"), {"rate": RATE}),
    "contributions": (("id",), {"original_amount": MONEY, "amount": MONEY, "exchange_rate": RATE}),
    "contribution_receipts": (("id",), {"original_amount": MONEY, "amount": MONEY, "exchange_rate": RATE}),
    "calls": (("id",), {"envelope": MONEY, "committed": MONEY}),
    "applications": (("id",), {"amount_requested": MONEY, "project_cost": MONEY}),
    "grants": (("id",), {"amount": MONEY, "disbursed": MONEY, "returned": MONEY}),
    "tranches": (("id",), {"amount": MONEY, "disbursed": MONEY}),
}
INT64 = 2 ** 63


def scaled(value, scale: int, where: str):
    """The exact integer `value` * 10**scale (None stays None)."""
    if value is None:
        return None
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    result = int(number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_EVEN).scaleb(scale))
    if abs(result) >= INT64:
        raise ValueError(f"{where} = {value} does not fit a scaled 64-bit integer")
    return result


def unscaled(value, scale: int):
    return None if value is None else float(Decimal(int(value)).scaleb(-scale))


def _rewrite(convert) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # PostgreSQL's NUMERIC is exact already
    for table, (key, columns) in COLUMNS.items():
        names = list(key) + list(columns)
        rows = bind.exec_driver_sql(f"SELECT {', '.join(names)} FROM {table}").fetchall()
        sets = ", ".join(f"{c} = ?" for c in columns)
        where = " AND ".join(f"{k} = ?" for k in key)
        for row in rows:
            keys, values = row[:len(key)], row[len(key):]
            new = [convert(v, scale, f"{table}.{c} of {keys}") for v, (c, scale) in zip(values, columns.items())]
            bind.exec_driver_sql(f"UPDATE {table} SET {sets} WHERE {where}", tuple(new) + tuple(keys))


def upgrade():
    _rewrite(scaled)


def downgrade():
    _rewrite(lambda value, scale, where: unscaled(value, scale))
