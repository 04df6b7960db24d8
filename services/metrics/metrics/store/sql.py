"""Statements of the metrics store, built once per dialect, and the base every part of the
store shares: the session, the loaded plans, claiming, updating and holding a row."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from metrics.domain import Plan
from shared.persistence import get

CELL_KEYS = ("plan_id", "indicator", "reach", "programme_id", "city_id", "country", "period_end")
TOTAL_KEYS = ("plan_id", "indicator", "reach", "period_end")
CITY_KEYS = ("plan_id", "indicator", "city_id", "country", "period_end")
MONEY_KEYS = ("kind", "currency", "fund_id", "window", "theme", "country", "programme_id", "day")


class PlansNotReady(Exception):
    """The aggregates were not built for the loaded plan definitions: run ensure_plans first."""


def upsert_sql(table: sa.Table, keys: tuple[str, ...], counters: tuple[str, ...] = ()) -> sa.TextClause:
    """`INSERT ... ON CONFLICT (keys) DO NOTHING`, or `DO UPDATE SET c = c + excluded.c` for the
    counters: the same SQL on SQLite (3.24+) and PostgreSQL, as a text statement with typed
    parameters, because SQLAlchemy does not cache the dialects' own on-conflict inserts (each
    would be compiled again for every event)."""
    q = '"{}"'.format
    cols = [c.name for c in table.c]
    sql = (f"INSERT INTO {q(table.name)} ({', '.join(q(c) for c in cols)}) "
           f"VALUES ({', '.join(':' + c for c in cols)}) ON CONFLICT ({', '.join(q(k) for k in keys)}) ")
    if counters:
        sql += "DO UPDATE SET " + ", ".join(f"{q(c)} = {q(table.name)}.{q(c)} + excluded.{q(c)}" for c in counters)
    else:
        sql += "DO NOTHING"
    return sa.text(sql).bindparams(*[sa.bindparam(c.name, type_=c.type) for c in table.c])


_STATEMENTS: dict[tuple[Any, ...], Any] = {}


class Store:
    def __init__(self, session: Session, plans: dict[str, Plan]):
        self.session = session
        self.plans = plans   # plan_id -> domain.Plan

    @property
    def postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def cached(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """Statements built once per dialect and executed with parameters, so SQLAlchemy compiles
        each once (statements with inline values, e.g. JSON lists, are not cacheable)."""
        full = (self.session.get_bind().dialect.name, *key)
        stmt = _STATEMENTS.get(full)
        if stmt is None:
            stmt = _STATEMENTS[full] = build()
        return stmt

    def run(self, stmt: Any, params: Any = None) -> Any:
        return self.session.execute(stmt, params) if params is not None else self.session.execute(stmt)

    def claim(self, table: sa.Table, keys: tuple[str, ...], row: dict[str, Any]) -> Any:
        """INSERT the row unless its key exists (then nothing); returns the result."""
        return self.run(self.cached(("claim", table.name, keys), lambda: upsert_sql(table, keys)), row)

    def held(self, table: sa.Table, key: Any) -> sa.Row[Any]:
        """The row (claimed before, so it exists), locked until the transaction ends: the one way
        the store locks a row (see the lock order in `metrics.store`)."""
        row = get(self.session, table, key, for_update=True)
        if row is None:
            raise LookupError(f"{table.name} {key!r} was not claimed")
        return row

    def update(self, table: sa.Table, key: str, key_value: Any, values: dict[str, Any]) -> None:
        names = tuple(sorted(values))
        stmt = self.cached(("update", table.name, key, names),
                           lambda: table.update().where(table.c[key] == sa.bindparam("_key"))
                           .values({n: sa.bindparam(n) for n in names}))
        self.run(stmt, {**values, "_key": key_value})

    def add(self, table: sa.Table, keys: tuple[str, ...], rows: list[dict[str, Any]],
            counters: tuple[str, ...]) -> None:
        """Add the counters of `rows` to the rows of the same keys (inserted when absent)."""
        if not rows:
            return
        self.run(self.cached(("add", table.name, keys, counters), lambda: upsert_sql(table, keys, counters)), rows)
