"""exact decimal columns on SQLite: scaled integers (shared.persistence.ExactDecimal)

SQLite kept result values, budgets and coordinates as text (0002), so SQL could neither sum
nor compare them as numbers. They become INTEGER columns holding the value times 10**scale
(4 decimal places; 6 for latitude and longitude), each text converted exactly in Python
(Decimal(text) -> scaled integer), never through a float. On PostgreSQL the columns stay
NUMERIC(24, 4); latitude and longitude become NUMERIC(24, 6), as the API takes 6 places.

Revision ID: 0005
Revises: 0004
"""
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# (table, primary key columns, column, scale, nullable)
COLUMNS = [
    ("programmes", ("id",), "budget_amount", 4, True),
    ("cities", ("id",), "latitude", 6, True),
    ("cities", ("id",), "longitude", 6, True),
    ("results", ("id",), "value", 4, False),
    ("results", ("id",), "approved_value", 4, True),
    ("result_versions", ("result_id", "number"), "value", 4, False),
]


def _scaled(text, scale: int):
    if text is None:
        return None
    number = Decimal(str(text))
    exact = number.scaleb(scale)
    if exact != exact.to_integral_value():
        # 0002 stored what the API accepted (at most `scale` places), so this never happens.
        raise ValueError(f"{text} has more than {scale} decimal places")
    return int(exact)


def _text(scaled, scale: int):
    return None if scaled is None else format(Decimal(int(scaled)).scaleb(-scale).normalize(), "f")


def _convert(table: str, key: tuple, column: str, new_type: str, convert, scale: int, nullable: bool) -> None:
    bind = op.get_bind()
    tmp = f"{column}_new"
    default = "" if nullable else " NOT NULL DEFAULT 0"
    op.execute(f"ALTER TABLE {table} ADD COLUMN {tmp} {new_type}{default}")
    rows = bind.execute(sa.text(f"SELECT {', '.join(key)}, {column} FROM {table}")).all()
    where = " AND ".join(f"{k} = :{k}" for k in key)
    for row in rows:
        values = dict(zip(key, row[:-1]))
        bind.execute(sa.text(f"UPDATE {table} SET {tmp} = :v WHERE {where}"), {**values, "v": convert(row[-1], scale)})
    op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.execute(f"ALTER TABLE {table} RENAME COLUMN {tmp} TO {column}")


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, key, column, scale, nullable in COLUMNS:
            _convert(table, key, column, "BIGINT", _scaled, scale, nullable)
    elif dialect == "postgresql":
        for column in ("latitude", "longitude"):
            op.alter_column("cities", column, type_=sa.Numeric(24, 6), existing_type=sa.Numeric(24, 4))


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, key, column, scale, nullable in COLUMNS:
            _convert(table, key, column, "VARCHAR(40)", _text, scale, nullable)
    elif dialect == "postgresql":
        for column in ("latitude", "longitude"):
            op.alter_column("cities", column, type_=sa.Numeric(24, 4), existing_type=sa.Numeric(24, 6))
