"""Request and response schemas of the programmes service."""
from marshmallow import ValidationError, fields, validate, validates

from shared import plan
from shared.events.fields import UTCDateTime
from shared.events.schemas import CitySchema, StrictSchema, country_code


def _one_of(codes_fn, what):
    def check(value):
        codes = codes_fn()
        if value not in codes:
            raise ValidationError(f"unknown {what} {value!r}; expected one of {sorted(codes)}")
    return check


class ProgrammeInput(StrictSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    funding_window = fields.String(required=True, validate=_one_of(plan.window_codes, "funding window"))
    themes = fields.List(fields.String(validate=_one_of(plan.theme_codes, "theme")), required=True,
                         validate=validate.Length(min=1, error="must name at least one theme"))
    countries = fields.List(fields.String(validate=country_code), required=True,
                            validate=validate.Length(min=1, error="must name at least one country"))
    cities = fields.List(fields.Nested(CitySchema), required=True,
                         validate=validate.Length(min=1, error="must name at least one city"))

    @validates("title")
    def _title_not_blank(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("must not be blank")


class ResultInput(StrictSchema):
    indicator = fields.String(required=True, validate=_one_of(plan.indicator_codes, "indicator"))
    city = fields.Nested(CitySchema, required=True)
    value = fields.Integer(required=True, strict=True,
                           validate=validate.Range(min=0, error="must be a whole number of 0 or more"))


class CityOut(StrictSchema):
    name = fields.String()
    country = fields.String()


class ResultOut(StrictSchema):
    id = fields.String()
    programme_id = fields.String()
    indicator = fields.String()
    city = fields.Nested(CityOut)
    value = fields.Integer()
    recorded_at = UTCDateTime()


class ProgrammeOut(StrictSchema):
    id = fields.String()
    title = fields.String()
    funding_window = fields.String()
    themes = fields.List(fields.String())
    countries = fields.List(fields.String())
    cities = fields.List(fields.Nested(CityOut))
    created_at = UTCDateTime()
    updated_at = UTCDateTime()
