"""Exact numbers and dates of the metrics domain.

Result values are integers scaled by VALUE_SCALE (four decimal places) and money integers of
cents (MONEY_SCALE): fixed-point integer arithmetic, exact in Python and in SQL sums, stored as
BIGINT on SQLite and PostgreSQL alike. That is why the metrics tables do not use the shared
`ExactDecimal` column type: the aggregates are integer counters updated by deltas
(`value = value + delta`), the domain computes on the same integers, and shares and ratios
are Fractions or Decimals taken from them; converting to Decimal columns would add a
conversion on every event for no gain in exactness. Inputs beyond the scale are rounded half
to even, the same in the projection and the recomputation."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from shared.bounds import MONEY_PLACES, VALUE_PLACES

VALUE_SCALE: int = 10 ** VALUE_PLACES  # shared.bounds: why the sums of bounded values fit BIGINT
MONEY_SCALE: int = 10 ** MONEY_PLACES
NONE = ""   # stored in key columns for "not known" (key columns are NOT NULL)


def scale_value(value: Any) -> int:
    q = Decimal(str(value)).quantize(Decimal(1) / VALUE_SCALE, rounding=ROUND_HALF_EVEN)
    return int(q * VALUE_SCALE)


def scale_money(value: Any) -> int:
    q = Decimal(str(value)).quantize(Decimal(1) / MONEY_SCALE, rounding=ROUND_HALF_EVEN)
    return int(q * MONEY_SCALE)


def value_out(scaled: int) -> int | str:
    """A scaled value for the API: an integer when whole (people are), else a Decimal string."""
    if scaled % VALUE_SCALE == 0:
        return scaled // VALUE_SCALE
    return str((Decimal(scaled) / VALUE_SCALE).normalize())


def money_out(cents: int) -> str:
    return str((Decimal(cents) / MONEY_SCALE).quantize(Decimal("0.01")))


def as_date(x: Any) -> date:
    """A date from a date, a datetime or an ISO string."""
    if isinstance(x, datetime):
        return x.date()
    if isinstance(x, date):
        return x
    return date.fromisoformat(str(x)[:10])


def as_timestamp(x: Any) -> datetime:
    """An aware UTC datetime from a datetime (naive: UTC) or an ISO string (a trailing Z allowed)."""
    at = x if isinstance(x, datetime) else datetime.fromisoformat(str(x).replace("Z", "+00:00"))
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def timestamp(at: datetime | None) -> str | None:
    """An ISO UTC timestamp ending in Z (a naive datetime is UTC already)."""
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.isoformat().replace("+00:00", "Z")
