"""What every grants use case uses: input validation, not-found answers, list queries."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from marshmallow import Schema

from grants import domain
from shared.api import grants as api
from shared.errors import NotFound, validate

T = TypeVar("T")
_schemas: dict[type[Schema], Schema] = {}


def load(schema_cls: type[Schema], data: dict[str, Any] | None) -> dict[str, Any]:
    """`data` validated by `schema_cls` (InvalidInput naming each field)."""
    if schema_cls not in _schemas:
        _schemas[schema_cls] = schema_cls()
    loaded: dict[str, Any] = validate(_schemas[schema_cls], data if data is not None else {})
    return loaded


def found(obj: T | None, resource: str, identifier: str) -> T:
    if obj is None:
        raise NotFound(resource, identifier)
    return obj


def list_query(schema_cls: type[Schema], query: dict[str, Any] | None,
               cursor: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the loaded query with `limit` and `cursor`, its filters). The cursor is the opaque string
    a previous page gave (passed apart by the gateway, or in the query)."""
    data = dict(query or {})
    if cursor is not None:
        data["cursor"] = cursor
    loaded = load(schema_cls, data)
    filters = {name: loaded.get(name) for name in api.QUERY_FILTERS[schema_cls] if loaded.get(name) is not None}
    return loaded, filters


def converter(uow: Any, field_name: str) -> domain.Converter:
    """Conversion into a fund's currency at the rates the unit of work holds."""
    def convert(amount: Decimal, currency: str, to_currency: str, value_date: date) -> tuple[Decimal, Decimal]:
        return domain.convert(amount, currency, to_currency, value_date, uow.rates.latest, field_name=field_name)
    return convert


Handler = Callable[..., dict[str, Any]]
