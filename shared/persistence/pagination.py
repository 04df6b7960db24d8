"""Keyset pagination, the one implementation every list uses.

A page is ordered by a tuple of columns ending in a unique one (usually (time, id)); its
cursor is the last row's values of those columns, carried to clients as opaque base64url
JSON. Services return the encoded cursor; the gateway only turns it into a `next` link."""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from shared.errors import InvalidInput
from shared.persistence.types import as_utc

BAD_CURSOR = {"cursor": ["not a cursor from this API; follow the `next` link"]}


@dataclass
class Page:
    rows: list[Any]
    next_cursor: str | None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([_jsonable(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    """The values a cursor carries; InvalidInput naming `cursor` for anything else."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(BAD_CURSOR) from None
    if not isinstance(values, list):
        raise InvalidInput(BAD_CURSOR)
    return values


def _typed(column: sa.ColumnElement[Any], value: Any) -> Any:
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    if value is None or isinstance(value, bool):
        raise ValueError("cursor value")
    if kind is datetime:
        return as_utc(datetime.fromisoformat(str(value)))
    if kind is date:
        return date.fromisoformat(str(value))
    if kind is Decimal:
        return Decimal(str(value))
    if kind is int and not isinstance(value, int):
        raise ValueError("cursor value")
    if kind is str and not isinstance(value, str):
        raise ValueError("cursor value")
    return value


def keyset_page(db: Session | Connection, query: sa.Select[Any], order: list[sa.ColumnElement[Any]], *,
                limit: int, cursor: str | None, descending: bool = False) -> Page:
    """One page of `query` ordered by the columns of `order` (the last one unique)."""
    after = decode_cursor(cursor)
    if after is not None:
        if len(after) != len(order):
            raise InvalidInput(BAD_CURSOR)
        try:
            values = [sa.literal(_typed(col, v), col.type) for col, v in zip(order, after, strict=True)]
        except (TypeError, ValueError):
            raise InvalidInput(BAD_CURSOR) from None
        key = sa.tuple_(*order)
        query = query.where(key < sa.tuple_(*values) if descending else key > sa.tuple_(*values))
    query = query.order_by(*(col.desc() if descending else col for col in order)).limit(limit + 1)
    rows = list(db.execute(query).all())
    more = len(rows) > limit
    rows = rows[:limit]
    entities = _selects_entity(query)
    if entities:
        rows = [row[0] for row in rows]
    next_cursor = None
    if more:
        last = rows[-1]
        values = [getattr(last, _name(col)) for col in order] if entities \
            else [last._mapping[col] for col in order]
        next_cursor = encode_cursor(values)
    return Page(rows=rows, next_cursor=next_cursor)


def _name(column: sa.ColumnElement[Any]) -> str:
    if column.key is None:
        raise TypeError(f"a page of entities is ordered by named columns, not {column}")
    return column.key


def _selects_entity(query: sa.Select[Any]) -> bool:
    """`select(Model)`: pages hold model instances rather than rows."""
    descriptions = query.column_descriptions
    return len(descriptions) == 1 and isinstance(descriptions[0].get("type"), type) \
        and descriptions[0].get("entity") is descriptions[0].get("type")
