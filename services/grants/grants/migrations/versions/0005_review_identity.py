"""reviews: the reviewer is the API key, one review per key per application

Until 0004 a key's review was stored as `reviewer = "<key id> (<name from the body>)"`, so one
key naming itself twice counted as two reviewers. Now `reviewer` is the identity alone (the key
id; an internal call's named reviewer) under the existing unique (application_id, reviewer)
constraint, and the name moves to `reviewer_name` (display only). Existing rows are split the
same way; where one key reviewed an application more than once, its first review is kept and
the later ones are deleted (their review.submitted events stay in the event history), so
`required_reviews` counts each key once.

Revision ID: 0005
Revises: 0004
"""
import logging
import re

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
# what the old code wrote for a key that gave a name: f"{key_id} ({name})"; key ids are key_<token>
NAMED_KEY = re.compile(r"^(key_\S+) \((.*)\)$", re.DOTALL)
reviews = sa.table("reviews", sa.column("id", sa.String), sa.column("application_id", sa.String),
                   sa.column("reviewer", sa.String), sa.column("reviewer_name", sa.String),
                   sa.column("reviewed_at", sa.DateTime))


def split(reviewer: str) -> tuple[str, str]:
    """(identity, display name) of an old `reviewer` value."""
    named = NAMED_KEY.match(reviewer)
    return (named.group(1), named.group(2)) if named else (reviewer, "")


def upgrade():
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.add_column(sa.Column("reviewer_name", sa.String(200), nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(sa.select(reviews.c.id, reviews.c.application_id, reviews.c.reviewer)
                        .order_by(reviews.c.application_id, reviews.c.reviewed_at, reviews.c.id)).all()
    seen, duplicates, renamed = set(), [], []
    for row in rows:
        identity, name = split(row.reviewer)
        if (row.application_id, identity) in seen:
            duplicates.append(row.id)
        else:
            seen.add((row.application_id, identity))
            if identity != row.reviewer:
                renamed.append({"review_id": row.id, "identity": identity, "name": name})
    if duplicates:   # first, so that no renamed row meets its duplicate under the unique constraint
        log.warning("0005: deleting %d repeated review(s) by the same key of the same application", len(duplicates))
        conn.execute(reviews.delete().where(reviews.c.id.in_(duplicates)))
    if renamed:
        conn.execute(reviews.update().where(reviews.c.id == sa.bindparam("review_id"))
                     .values(reviewer=sa.bindparam("identity"), reviewer_name=sa.bindparam("name")), renamed)


def downgrade():
    conn = op.get_bind()
    named = conn.execute(sa.select(reviews.c.id, reviews.c.reviewer, reviews.c.reviewer_name)
                         .where(reviews.c.reviewer_name != "")).all()
    if named:
        conn.execute(reviews.update().where(reviews.c.id == sa.bindparam("review_id"))
                     .values(reviewer=sa.bindparam("label")),
                     [{"review_id": r.id, "label": f"{r.reviewer} ({r.reviewer_name})"[:200]} for r in named])
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.drop_column("reviewer_name")
