"""indexes of the case-folded reporting organisation, for partners' lists

Who sees a programme or a result is decided on the organisation compared case-folded
(shared.actors: `actor.owns`); a partner's page of programmes or results filters on
lower(reporting_org_ref) and is ordered by (updated_at, id), which these indexes serve.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    for table in ("programmes", "results"):
        op.create_index(f"ix_{table}_reporting_org_key", table,
                        [sa.text("lower(reporting_org_ref)"), "updated_at", "id"])


def downgrade():
    for table in ("programmes", "results"):
        op.drop_index(f"ix_{table}_reporting_org_key", table_name=table)
