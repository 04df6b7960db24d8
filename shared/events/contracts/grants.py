"""Contracts of the events the grants service produces."""
from marshmallow import fields

from shared.events.contracts.registry import contract
from shared.events.fields import Currency, DecimalString, UTCDateTime
from shared.events.schemas import StrictSchema

@contract
class GrantAwardedV1(StrictSchema):
    """A grant was awarded to a programme (IATI transaction type 2, outgoing commitment)."""
    event_type, version, producer = "grant.awarded", 1, "grants"

    grant_id = fields.String(required=True)
    programme_id = fields.String(required=True)
    recipient = fields.String(required=True)
    amount = DecimalString(required=True, metadata={"description": "Decimal as a string"})
    currency = Currency(required=True)
    awarded_at = UTCDateTime(required=True)
