"""Rows in and out: one `get` (with the one way to lock a row), and mapping between rows and
dataclasses by name (columns and attributes share names)."""
from __future__ import annotations

import copy
import dataclasses
import functools
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")
Key = Any


# Statements are built once per table and lock mode, with bound parameters: building them is
# most of the Python cost of a primary-key read.
_GETS: dict[tuple[Any, ...], sa.Select[Any]] = {}   # (table, for_update[, shared])
_UPSERTS: dict[tuple[sa.Table, str, tuple[str, ...]], Any] = {}
_UPDATES: dict[tuple[sa.Table, tuple[str, ...]], Any] = {}


def _key_params(table: sa.Table, key: Key) -> dict[str, Any]:
    pk = list(table.primary_key.columns)
    values = key if isinstance(key, tuple) else (key,)
    if len(values) != len(pk):
        raise TypeError(f"{table.name} has a {len(pk)}-column key")
    return {f"pk_{col.name}": value for col, value in zip(pk, values, strict=True)}


def _get_statement(table: sa.Table, for_update: bool) -> sa.Select[Any]:
    query = _GETS.get((table, for_update))
    if query is None:
        query = sa.select(table).where(*(col == sa.bindparam(f"pk_{col.name}", type_=col.type)
                                         for col in table.primary_key.columns))
        if for_update:
            query = query.with_for_update()
        _GETS[(table, for_update)] = query
    return query


def get(session: Session, table: sa.Table, key: Key, *, for_update: bool = False) -> sa.Row[Any] | None:
    """The row of `table` with primary key `key`, or None.

    for_update=True locks it until the transaction ends (SELECT ... FOR UPDATE on PostgreSQL;
    on SQLite every write transaction already holds the database lock: BEGIN IMMEDIATE).
    Lock order is written down in each service's unit of work module."""
    return session.execute(_get_statement(table, for_update), _key_params(table, key)).first()


def get_many(session: Session, table: sa.Table, keys: list[Any], *, for_update: bool = False,
             shared: bool = False) -> dict[Any, sa.Row[Any]]:
    """Rows of a single-column-key table by key; missing keys are absent.

    for_update=True locks them in key order (so two transactions locking overlapping sets cannot
    deadlock); shared=True takes a shared lock instead (FOR SHARE: readers of the rows proceed
    together, a for_update of one of them waits). Both are no-ops on SQLite (BEGIN IMMEDIATE)."""
    if not keys:
        return {}
    (pk,) = table.primary_key.columns
    query = _GETS.get((table, for_update, shared))
    if query is None:
        query = sa.select(table).where(pk.in_(sa.bindparam("keys", expanding=True)))
        if for_update or shared:
            query = query.order_by(pk).with_for_update(read=shared)
        _GETS[(table, for_update, shared)] = query
    rows = session.execute(query, {"keys": sorted(set(keys))}).all()
    return {getattr(row, pk.name): row for row in rows}


def to_row(table: sa.Table, obj: Any, **extra: Any) -> dict[str, Any]:
    """The column values of dataclass `obj` whose attribute names are columns of `table`."""
    names = set(table.columns.keys())
    values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name in names}
    values.update(extra)
    return values


def from_row(cls: type[T], row: Any, **extra: Any) -> T:
    """A `cls` dataclass from a row's columns of the same names; JSON values are copied, so a
    domain object changing its lists never changes a row behind SQLAlchemy's back."""
    names = {f.name for f in dataclasses.fields(cls)}
    mapping = row._mapping if hasattr(row, "_mapping") else row
    values = {name: _copied(mapping[name]) for name in mapping.keys() if name in names}
    values.update(extra)
    return cls(**values)


def _copied(value: Any) -> Any:
    """JSON containers copied; scalars (str, numbers, dates: immutable) as they are, which
    spares a deepcopy call per column (3% of programmes' CPU per write: bench, third round)."""
    return copy.deepcopy(value) if isinstance(value, (list, dict)) else value


def update(session: Session, table: sa.Table, values: dict[str, Any]) -> None:
    """Update the row whose primary key `values` holds to the other `values`. The statement is
    built once per table and set of columns (building one cost more than running it)."""
    pk = [col.name for col in table.primary_key.columns]
    names = tuple(sorted(k for k in values if k not in pk))
    stmt = _UPDATES.get((table, names))
    if stmt is None:
        stmt = (table.update().where(*(table.c[k] == sa.bindparam(f"pk_{k}", type_=table.c[k].type) for k in pk))
                .values({k: sa.bindparam(k, type_=table.c[k].type) for k in names}))
        _UPDATES[(table, names)] = stmt
    params = {k: values[k] for k in names} | {f"pk_{k}": values[k] for k in pk}
    session.execute(stmt, params)


@functools.cache
def _insert_ignore(table: sa.Table, dialect: str) -> Any:
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()


def insert_ignore(executor: sa.Connection | Session, table: sa.Table, values: dict[str, Any]) -> bool:
    """INSERT .. ON CONFLICT DO NOTHING in the caller's transaction; True if the row went in.
    A conflict leaves the transaction usable (PostgreSQL aborts one on a unique violation).
    Built once per table and dialect, values as parameters (bench: third round)."""
    dialect = executor.get_bind().dialect.name if isinstance(executor, Session) else executor.dialect.name
    return bool(executor.execute(_insert_ignore(table, dialect), values).rowcount)  # type: ignore[attr-defined]


def upsert(session: Session, table: sa.Table, values: dict[str, Any]) -> None:
    """Insert `values`, or update the row with the same primary key."""
    dialect = session.get_bind().dialect.name
    names = tuple(sorted(values))
    stmt = _UPSERTS.get((table, dialect, names))
    if stmt is None:
        module: Any = postgresql if dialect == "postgresql" else sqlite
        pk = [c.name for c in table.primary_key.columns]
        stmt = module.insert(table).values({k: sa.bindparam(k, type_=table.c[k].type) for k in names})
        changes = {k: stmt.excluded[k] for k in names if k not in pk}
        stmt = stmt.on_conflict_do_update(index_elements=pk, set_=changes) if changes \
            else stmt.on_conflict_do_nothing(index_elements=pk)
        _UPSERTS[(table, dialect, names)] = stmt
    session.execute(stmt, values)
