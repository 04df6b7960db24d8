"""Request and response schemas of the grants service."""
from marshmallow import ValidationError, fields, validate, validates

from shared.events.fields import UTCDateTime
from shared.events.schemas import MoneySchema, StrictSchema


class GrantInput(StrictSchema):
    programme_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    recipient = fields.String(required=True, validate=validate.Length(min=1, max=300))
    amount = fields.Nested(MoneySchema, required=True)

    @validates("recipient")
    def _not_blank(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("must not be blank")


class GrantOut(StrictSchema):
    id = fields.String()
    programme_id = fields.String()
    recipient = fields.String()
    amount = fields.Nested(MoneySchema)
    awarded_at = UTCDateTime()
