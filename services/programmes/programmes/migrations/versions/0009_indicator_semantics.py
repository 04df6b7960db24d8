"""indicator semantics: reporting mode, roll-up rule and a qualitative scale; numerators and
denominators of percentage results

Indicators defined before 0009 were reported per period and summed (percentages: each value
weighing as value/100, which is what averaging them did): `per_period`, `sum`. Results and
their versions may carry a percentage's numerator and denominator (NULL: not reported).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

# as programmes.models declares it (ExactDecimal: NUMERIC on PostgreSQL, scaled integers on SQLite)
VALUE = sa.Numeric(precision=24, scale=4)

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("reporting", sa.String(12), nullable=False, server_default="per_period"))
        batch.add_column(sa.Column("rollup", sa.String(8), nullable=False, server_default="sum"))
        batch.add_column(sa.Column("scale", sa.JSON(), nullable=True))
    for table in ("results", "result_versions"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("numerator", VALUE, nullable=True))
            batch.add_column(sa.Column("denominator", VALUE, nullable=True))


def downgrade():
    for table in ("result_versions", "results"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("denominator")
            batch.drop_column("numerator")
    with op.batch_alter_table("indicators") as batch:
        for column in ("scale", "rollup", "reporting"):
            batch.drop_column(column)
