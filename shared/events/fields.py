"""Marshmallow fields for the platform's value types.

Numbers are JSON integers or canonical decimal strings ("1250.50", "-3", "0.0001"): no
padding, no exponent, no float (no binary rounding), and bounded (shared.bounds), so every
value accepted fits every consumer. Text fields (`Text`) normalise and refuse what
shared.text refuses."""
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields, validate

from shared import text
from shared.bounds import MAX_MONEY, MAX_VALUE, MONEY_PLACES, VALUE_PLACES
from shared.reference import CURRENCIES

_CANONICAL_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class UTCDateTime(fields.DateTime):
    """ISO 8601 timestamp; naive input is refused, output is always UTC with 'Z'."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> datetime:
        dt: datetime = super()._deserialize(value, attr, data, **kwargs)
        if dt.tzinfo is None:
            raise ValidationError("must include a UTC offset, e.g. 2021-01-31T12:00:00Z")
        try:
            return dt.astimezone(timezone.utc)
        except OverflowError:  # 9999-12-31T23:59:59-23:59 is in the year 10000
            raise ValidationError("must be a time between the years 1 and 9999 in UTC") from None

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
        "canonical": "must be written as digits with an optional '-' and decimal point, e.g. \"1250.50\": "
                     "no spaces, '+' or exponent",
    }

    def __init__(self, *, places: int | None = None, **kwargs: Any) -> None:
        self.places = places
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise self.make_error("invalid")
        if isinstance(value, str) and not _CANONICAL_DECIMAL.fullmatch(value):
            raise self.make_error("canonical")
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):  # an integer of more digits than Python converts
            raise self.make_error("invalid") from None
        if number.is_zero():
            number = abs(number)  # "-0" is 0
        exponent = number.as_tuple().exponent  # an int: the canonical form has no special values
        if self.places is not None and isinstance(exponent, int) and exponent < -self.places:
            raise ValidationError(f"must have at most {self.places} decimal places")
        return number

    def _serialize(self, value: Decimal | int | str | None, attr: str | None, obj: Any,
                   **kwargs: Any) -> str | None:
        if value is None:
            return None
        return format(value, "f") if isinstance(value, Decimal) else str(value)  # never an exponent


def IndicatorValue(**kwargs: Any) -> DecimalString:  # noqa: N802 - a field factory
    """A value of an indicator (a result, a part of one, a baseline, a target): 0 to
    shared.bounds.MAX_VALUE with at most VALUE_PLACES decimal places."""
    return DecimalString(places=VALUE_PLACES, validate=validate.Range(
        min=0, max=MAX_VALUE, error=f"must be 0 or more and at most {MAX_VALUE}"), **kwargs)


def MoneyAmount(**kwargs: Any) -> DecimalString:  # noqa: N802 - a field factory
    """One amount of money (not a total): more than 0, at most shared.bounds.MAX_MONEY,
    MONEY_PLACES decimal places."""
    return DecimalString(places=MONEY_PLACES, validate=validate.Range(
        min=0, min_inclusive=False, max=MAX_MONEY, error=f"must be more than 0 and at most {MAX_MONEY}"), **kwargs)


class Text(fields.String):
    """A string as people write it, normalised once for every input (shared.text): NFC,
    stripped, never blank (unless the field's default is "": then blank is not given), no
    control characters (`multiline=True`: newlines and tabs allowed), no unpaired surrogates.
    Dumps like a String."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        raw: str = super()._deserialize(value, attr, data, **kwargs)
        try:
            return text.normalise(raw, multiline=self.multiline)
        except text.Blank:
            if self.load_default == "":  # optional text whose absence is "": blank means not given
                return ""
            raise ValidationError(text.Blank.message) from None
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class Url(fields.Url):
    """A URL (marshmallow's checks), refused with control characters (NUL, CR/LF) or unpaired
    surrogates as every Text is: its validator lets them through."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        url: str = super()._deserialize(value, attr, data, **kwargs)
        if text.unprintable(url):
            raise ValidationError("must not contain control characters or unpaired surrogates")
        return url


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
