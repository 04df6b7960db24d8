"""API of city records: one record however many programmes work in a city."""
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api.programmes.pieces import PageQuery
from shared.bounds import MAX_POPULATION
from shared.events.fields import DecimalString, Text, UTCDateTime
from shared.events.schemas import StrictSchema, country_code


class CityIn(StrictSchema):
    """A city: one record however many programmes work in it (found by country and name,
    ignoring case and spacing)."""
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    country = Text(required=True, validate=country_code)
    population = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(
        min=0, max=MAX_POPULATION, error=f"must be 0 or more and at most {MAX_POPULATION}"))
    secondary_city = fields.Boolean(load_default=True, metadata={"description": "a secondary (intermediate) city"})
    latitude = DecimalString(load_default=None, allow_none=True, places=6,
                             validate=validate.Range(min=-90, max=90))
    longitude = DecimalString(load_default=None, allow_none=True, places=6,
                              validate=validate.Range(min=-180, max=180))


class ProgrammeCityIn(CityIn):
    """`{"id": "<city id>"}` for a city on record, or the city itself (found or registered)."""
    id = Text(validate=validate.Length(min=1, max=36))
    name = Text(validate=validate.Length(min=1, max=200))
    country = Text(validate=country_code)

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
    country = Text(validate=country_code)
    q = Text(validate=validate.Length(min=1, max=100), metadata={"description": "text in the name"})


class CityOut(StrictSchema):
    id = Text()
    name = Text()
    country = Text()
    population = fields.Integer(allow_none=True)
    secondary_city = fields.Boolean()
    latitude = DecimalString(allow_none=True)
    longitude = DecimalString(allow_none=True)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class CityPage(StrictSchema):
    items = fields.List(fields.Nested(CityOut))
    next_cursor = Text(allow_none=True)
    next = Text(allow_none=True)


