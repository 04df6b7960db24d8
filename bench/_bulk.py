"""Bulk loading of the benchmarks' scratch databases (1M results and their history).

Through SQLAlchemy's executemany a row cost ~50 µs of parameter handling (per row, per column:
the compiled statement's parameters rebuilt, each type's processor looked up and run) and, on
SQLite with its default 2 MB page cache, the random-keyed indexes spilled and re-read their
pages: loading 1M results for bench/memory.py took ~20 minutes. Here each column's bind
processor (the same conversion the ORM and Core apply: UTC datetimes, JSON, dates) is looked up
once per chunk and run over the rows, and the tuples go straight to the driver: SQLite's
executemany on a connection with a page cache large enough for the load, PostgreSQL's COPY.
Only for scratch databases the benchmark creates (SQLite's synchronous=OFF: a crash loses the
file, which the benchmark would throw away anyway)."""
import io
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from shared.db import create_engine

SQLITE_LOAD_CACHE_KIB = 1_048_576   # 1 GB: the indexes of 1M rows stay in memory while loading


def engine(url: str) -> sa.Engine:
    """An engine for loading `url` (a scratch database)."""
    loader = create_engine(url)
    if loader.dialect.name == "sqlite":
        @sa.event.listens_for(loader, "connect")
        def _bulk_pragmas(dbapi_conn: Any, _record: object) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA cache_size=-{SQLITE_LOAD_CACHE_KIB}")
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.close()
    return loader


def insert(conn: sa.Connection, table: sa.Table, rows: Sequence[dict]) -> None:
    """`rows` (dicts with the same keys) into `table`; columns left out take their defaults, as
    with `conn.execute(table.insert(), rows)`."""
    if not rows:
        return
    dialect = conn.dialect
    defaults = {c.name: c.default.arg if c.default.is_scalar else c.default.arg(None)   # type: ignore[attr-defined]
                for c in table.columns if c.name not in rows[0] and c.default is not None
                and (c.default.is_scalar or c.default.is_callable)}
    keys = list(rows[0])
    names = keys + list(defaults)
    processors = [_processor(table.c[name].type, dialect) for name in names]
    values = [tuple(p(v) if p else v for v, p in zip([*(row[k] for k in keys), *defaults.values()], processors,
                                                     strict=True))
              for row in rows]
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    if dialect.name == "postgresql":
        from psycopg2 import extensions
        text = io.StringIO("".join("\t".join(map(_copy_text, row)) + "\n" for row in values))
        green = extensions.get_wait_callback()   # shared.db makes psycopg2 green; COPY refuses that
        extensions.set_wait_callback(None)
        try:
            with conn.connection.dbapi_connection.cursor() as cursor:   # type: ignore[union-attr]
                cursor.copy_expert(f"COPY {table.name} ({columns}) FROM STDIN", text)
        finally:
            extensions.set_wait_callback(green)
    else:
        marks = ", ".join("?" * len(names))
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", values)


def _processor(type_: sa.types.TypeEngine, dialect: sa.Dialect) -> Callable[[Any], Any] | None:
    return type_.dialect_impl(dialect).bind_processor(dialect)


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        raise TypeError(f"{value!r}: no bind processor made this column's value text")
    return (str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))
