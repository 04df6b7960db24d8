"""Database tuning of the metrics service. The projection touches a few rows of large tables
(facts, cells, the inbox) per event; on SQLite a page cache and memory map sized for them keep
the per-event cost flat as history grows (the default cache is 2 MB)."""
import sqlalchemy as sa

SQLITE_CACHE_KIB = 262_144          # 256 MB page cache per connection
SQLITE_MMAP_BYTES = 4 * 1024 ** 3   # map up to 4 GB of the file


def tune(engine: sa.Engine) -> sa.Engine:
    if engine.dialect.name == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def _metrics_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.close()
    return engine
