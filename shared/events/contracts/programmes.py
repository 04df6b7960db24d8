"""Contracts of the events the programmes service produces."""
from marshmallow import fields, validate

from shared.events.contracts.registry import contract
from shared.events.fields import UTCDateTime
from shared.events.schemas import CitySchema, StrictSchema, country_code

WINDOWS = ("country_city", "global")


@contract
class ProgrammeCreatedV1(StrictSchema):
    """A programme entered the portfolio."""
    event_type, version, producer = "programme.created", 1, "programmes"

    programme_id = fields.String(required=True, metadata={"description": "platform id of the programme"})
    title = fields.String(required=True)
    funding_window = fields.String(required=True, validate=validate.OneOf(WINDOWS))
    themes = fields.List(fields.String(), required=True, metadata={"description": "plan theme codes"})
    countries = fields.List(fields.String(validate=country_code), required=True,
                            metadata={"description": "ISO 3166-1 alpha-2 recipient countries"})
    cities = fields.List(fields.Nested(CitySchema), required=True)
    created_at = UTCDateTime(required=True)


@contract
class ResultRecordedV1(StrictSchema):
    """A value was recorded for a corporate indicator in one city."""
    event_type, version, producer = "result.recorded", 1, "programmes"

    result_id = fields.String(required=True)
    programme_id = fields.String(required=True)
    indicator = fields.String(required=True, metadata={"description": "corporate indicator code"})
    city = fields.Nested(CitySchema, required=True)
    value = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    recorded_at = UTCDateTime(required=True)


