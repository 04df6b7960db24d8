"""Reusable marshmallow pieces of the event contracts."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from shared.events.fields import Currency, MoneyAmount, Text
from shared.reference import COUNTRIES


class StrictSchema(Schema):
    """Unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = RAISE


def country_code(value: str) -> None:
    if value not in COUNTRIES:
        raise ValidationError(f"unknown ISO 3166-1 alpha-2 country code {value!r} (IATI Country codelist)")


class MoneySchema(StrictSchema):
    amount = MoneyAmount(required=True)
    currency = Currency(required=True)


class CitySchema(StrictSchema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    country = fields.String(required=True, validate=country_code)
