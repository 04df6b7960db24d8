"""Reusable marshmallow pieces of the event contracts."""
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from shared.events.fields import Currency, DecimalString
from shared.reference import COUNTRIES


class StrictSchema(Schema):
    """Unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = RAISE


def country_code(value: str) -> None:
    if value not in COUNTRIES:
        raise ValidationError(f"unknown ISO 3166-1 alpha-2 country code {value!r} (IATI Country codelist)")


class MoneySchema(StrictSchema):
    amount = DecimalString(required=True, places=2, validate=validate.Range(min=0, min_inclusive=False,
                                                                             error="must be greater than 0"))
    currency = Currency(required=True)


class CitySchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    country = fields.String(required=True, validate=country_code)

    @validates("name")
    def _name_is_not_blank(self, value: str, **kwargs: Any) -> None:
        if not value.strip():
            raise ValidationError("must not be blank")
