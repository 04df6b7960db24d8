"""SQLite: an index for `q` (text in a programme's title)

PostgreSQL answers `q` with the trigram GIN index of 0002. SQLite gets a full-text index
with the trigram tokenizer (SQLite 3.34+), which serves substring LIKE: `programme_search`
(programme id and title, with a stable INTEGER PRIMARY KEY) is kept by triggers on
`programmes`, and `programme_titles` (FTS5, external content) by triggers on it. Neither is
in models.metadata: they exist on SQLite only and no code writes them.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

STATEMENTS = [
    "CREATE TABLE programme_search (rowid INTEGER PRIMARY KEY, programme_id VARCHAR(36) NOT NULL UNIQUE "
    "REFERENCES programmes (id) ON DELETE CASCADE, title VARCHAR(500) NOT NULL)",
    "CREATE VIRTUAL TABLE programme_titles USING fts5(title, content='programme_search', content_rowid='rowid', "
    "tokenize='trigram')",
    "CREATE TRIGGER programme_search_ai AFTER INSERT ON programme_search BEGIN "
    "INSERT INTO programme_titles (rowid, title) VALUES (new.rowid, new.title); END",
    "CREATE TRIGGER programme_search_ad AFTER DELETE ON programme_search BEGIN "
    "INSERT INTO programme_titles (programme_titles, rowid, title) VALUES ('delete', old.rowid, old.title); END",
    "CREATE TRIGGER programme_search_au AFTER UPDATE OF title ON programme_search BEGIN "
    "INSERT INTO programme_titles (programme_titles, rowid, title) VALUES ('delete', old.rowid, old.title); "
    "INSERT INTO programme_titles (rowid, title) VALUES (new.rowid, new.title); END",
    "CREATE TRIGGER programmes_search_ai AFTER INSERT ON programmes BEGIN "
    "INSERT INTO programme_search (programme_id, title) VALUES (new.id, new.title); END",
    "CREATE TRIGGER programmes_search_au AFTER UPDATE OF title ON programmes BEGIN "
    "UPDATE programme_search SET title = new.title WHERE programme_id = new.id; END",
    "CREATE TRIGGER programmes_search_ad AFTER DELETE ON programmes BEGIN "
    "DELETE FROM programme_search WHERE programme_id = old.id; END",
    "INSERT INTO programme_search (programme_id, title) SELECT id, title FROM programmes",
]


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("programmes_search_ad", "programmes_search_au", "programmes_search_ai", "programme_search_au",
                 "programme_search_ad", "programme_search_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS programme_titles")
    op.execute("DROP TABLE IF EXISTS programme_search")
