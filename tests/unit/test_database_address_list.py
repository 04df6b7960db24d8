"""A database URL may list a primary and its standby (libpq's multi-host connection, written
for SQLAlchemy as repeated `host=`): with the first address dead, the platform's engine and
its migrations reach the second, the one that accepts writes (docs/reliability.md)."""
import sqlalchemy as sa

from shared.db import create_engine
from shared.migrations import upgrade
from tests.helpers import free_port


def test_a_dead_first_host_is_skipped_for_the_writable_one(postgres_database_factory):
    url = sa.engine.make_url(postgres_database_factory())
    listed = url.set(host="", port=None).update_query_pairs(
        [("host", f"127.0.0.1:{free_port()}"), ("host", f"{url.host}:{url.port or 5432}"),
         ("target_session_attrs", "read-write"), ("connect_timeout", "3")])
    text = listed.render_as_string(hide_password=False)

    upgrade("gateway", text)
    engine = create_engine(text)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT pg_is_in_recovery()")).scalar_one() is False
            assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one() == 0
    finally:
        engine.dispose()
