"""Database tuning of the metrics service. The projection touches a few rows of large tables
(facts, cells, the inbox) per event; on SQLite a page cache and memory map larger than the
default (2 MB) keep the per-event cost flat as history grows. Both count in the process's
resident memory (the cache fills with the pages written, the map with the pages read), so both
are bounded: at 1M stored results, 32 MB and 64 MB cost the same per event as 256 MB and 4 GB
(760-1,016 µs either way); a process applying 4,000 events to 1M results stays at 168 MB resident
(485 MB with the old sizes), the service at 1M went past 700 MB
(docs/benchmarks.md, figure 7)."""
import sqlalchemy as sa

SQLITE_CACHE_KIB = 32_768           # 32 MB page cache per connection
SQLITE_MMAP_BYTES = 64 * 1024 ** 2  # map up to 64 MB of the file


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
