"""API of city records: one record however many programmes work in a city."""
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api.programmes.pieces import (
    PageQuery,
    non_negative,
    not_blank,
)
from shared.events.fields import DecimalString, UTCDateTime
from shared.events.schemas import StrictSchema, country_code


class CityIn(StrictSchema):
    """A city: one record however many programmes work in it (found by country and name,
    ignoring case and spacing)."""
    name = fields.String(required=True, validate=[validate.Length(min=1, max=200), not_blank])
    country = fields.String(required=True, validate=country_code)
    population = fields.Integer(load_default=None, allow_none=True, strict=True, validate=non_negative)
    secondary_city = fields.Boolean(load_default=True, metadata={"description": "a secondary (intermediate) city"})
    latitude = DecimalString(load_default=None, allow_none=True, places=6,
                             validate=validate.Range(min=-90, max=90))
    longitude = DecimalString(load_default=None, allow_none=True, places=6,
                              validate=validate.Range(min=-180, max=180))


class ProgrammeCityIn(CityIn):
    """`{"id": "<city id>"}` for a city on record, or the city itself (found or registered)."""
    id = fields.String(validate=validate.Length(min=1, max=36))
    name = fields.String(validate=[validate.Length(min=1, max=200), not_blank])
    country = fields.String(validate=country_code)

    @validates_schema(pass_original=True)
    def _id_or_city(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        original = original if isinstance(original, dict) else {}
        if "id" in original:
            others = sorted(set(original) - {"id"})
            if others:
                raise ValidationError(f"give either `id` or the city's fields, not both ({', '.join(others)})",
                                      "id")
            return
        errors = {f: ["required unless `id` is given"] for f in ("name", "country") if f not in original}
        if errors:
            raise ValidationError(errors)


class CityCreate(CityIn):
    pass


class CityListQuery(PageQuery):
    country = fields.String(validate=country_code)
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "text in the name"})


class CityOut(StrictSchema):
    id = fields.String()
    name = fields.String()
    country = fields.String()
    population = fields.Integer(allow_none=True)
    secondary_city = fields.Boolean()
    latitude = DecimalString(allow_none=True)
    longitude = DecimalString(allow_none=True)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class CityPage(StrictSchema):
    items = fields.List(fields.Nested(CityOut))
    next_cursor = fields.String(allow_none=True)
    next = fields.String(allow_none=True)


