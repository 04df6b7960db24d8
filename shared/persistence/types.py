"""Column types with one meaning on every database.

- ExactDecimal(precision, scale): NUMERIC(p, s) on PostgreSQL; on SQLite (whose NUMERIC is a
  float) an INTEGER holding the value times 10**scale, so SUM, ORDER BY and comparisons in SQL
  stay exact there too. Values come back as Decimal quantized to `scale`.
- UTCDateTime: aware UTC datetimes in and out (timestamptz on PostgreSQL, naive UTC text on
  SQLite, which keeps no offset)."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, overload

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


@overload
def as_utc(value: datetime) -> datetime: ...


@overload
def as_utc(value: None) -> None: ...


def as_utc(value: datetime | None) -> datetime | None:
    """`value` as an aware UTC datetime (a naive one is taken to be UTC already)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


SQLITE_INTEGER_LIMIT = 2 ** 63


class ExactDecimal(sa.types.TypeDecorator[Decimal]):
    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int = 20, scale: int = 2) -> None:
        super().__init__(precision, scale)
        self.precision, self.scale = precision, scale
        self.quantum = Decimal(1).scaleb(-scale)
        self.factor = 10 ** scale
        self.limit = Decimal(10) ** (precision - scale)

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        exact = number.quantize(self.quantum)
        if exact != number or abs(exact) >= self.limit:
            # Bounds belong to the API contract; reaching here is a programming error.
            raise ValueError(f"{number} does not fit NUMERIC({self.precision}, {self.scale})")
        if dialect.name == "sqlite":
            scaled = int(exact.scaleb(self.scale))
            if abs(scaled) >= SQLITE_INTEGER_LIMIT:
                raise ValueError(f"{number} scaled by 10**{self.scale} does not fit SQLite's 64-bit INTEGER")
            return scaled
        return exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)).scaleb(-self.scale)).quantize(self.quantum)
        return Decimal(value).quantize(self.quantum)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        aware = as_utc(value)
        return aware.replace(tzinfo=None) if dialect.name == "sqlite" else aware

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return as_utc(value)

    @property
    def python_type(self) -> type[datetime]:
        return datetime
