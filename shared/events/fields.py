"""Marshmallow fields for the platform's value types."""
from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields

from shared.reference import CURRENCIES


class UTCDateTime(fields.DateTime):
    """ISO 8601 timestamp; naive input is refused, output is always UTC with 'Z'."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> datetime:
        dt: datetime = super()._deserialize(value, attr, data, **kwargs)
        if dt.tzinfo is None:
            raise ValidationError("must include a UTC offset, e.g. 2021-01-31T12:00:00Z")
        return dt.astimezone(timezone.utc)

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class DecimalString(fields.Field):
    """A Decimal carried as a string ('1250000.00'); floats are refused so no
    binary rounding can creep into money."""

    default_error_messages = {
        "invalid": "must be a decimal number written as a string, e.g. \"1250.50\"",
        "special": "must be a finite number",
    }

    def __init__(self, *, places: int | None = None, **kwargs: Any) -> None:
        self.places = places
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise self.make_error("invalid")
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise self.make_error("invalid") from None
        if not number.is_finite():
            raise self.make_error("special")
        exponent = number.as_tuple().exponent  # an int: special values were refused above
        if self.places is not None and isinstance(exponent, int) and exponent < -self.places:
            raise ValidationError(f"must have at most {self.places} decimal places")
        return number

    def _serialize(self, value: Decimal | int | str | None, attr: str | None, obj: Any,
                   **kwargs: Any) -> str | None:
        return None if value is None else str(value)


class Currency(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        code: str = super()._deserialize(value, attr, data, **kwargs)
        if code not in CURRENCIES:
            raise ValidationError(f"unknown ISO 4217 currency code {code!r}")
        return code


class Money(fields.Nested):
    """{"amount": "1000.00", "currency": "USD"}: a positive Decimal with its currency."""

    def __init__(self, **kwargs: Any) -> None:
        from shared.events.schemas import MoneySchema
        super().__init__(MoneySchema, **kwargs)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
