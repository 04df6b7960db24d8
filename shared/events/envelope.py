"""The envelope every integration event travels in."""
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from marshmallow import ValidationError, fields, validate

from shared.events.contracts import contract_for
from shared.events.fields import UTCDateTime, utcnow
from shared.events.schemas import StrictSchema


class EnvelopeSchema(StrictSchema):
    event_id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Length(min=1))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = UTCDateTime(required=True)
    producer = fields.String(required=True, validate=validate.Length(min=1))
    correlation_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    payload = fields.Dict(required=True)


_envelope_schema = EnvelopeSchema()


@dataclass(frozen=True)
class Envelope:
    event_id: str
    type: str
    version: int
    occurred_at: datetime
    producer: str
    correlation_id: str
    payload: dict = field(default_factory=dict)  # loaded: Decimals, datetimes...

    def to_message(self) -> dict:
        """The JSON body as it travels: the payload dumped by its contract."""
        schema = contract_for(self.type, self.version)()
        return {
            "event_id": self.event_id,
            "type": self.type,
            "version": self.version,
            "occurred_at": UTCDateTime()._serialize(self.occurred_at, None, None),
            "producer": self.producer,
            "correlation_id": self.correlation_id,
            "payload": schema.dump(self.payload),
        }


def make_envelope(event_type: str, payload: dict, *, producer: str, correlation_id: str | None = None,
                  version: int | None = None) -> Envelope:
    """Check `payload` against its contract and wrap it; raises ValidationError
    naming each bad field, so a bad event is never written to the outbox."""
    schema_cls = contract_for(event_type, version)
    schema = schema_cls()
    unknown = set(payload) - set(schema.fields)
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
    # Round-trip through the wire form: what is written is exactly what consumers will load.
    loaded = schema.load(schema.dump(payload))
    return Envelope(
        event_id=str(uuid.uuid4()),
        type=event_type,
        version=schema_cls.version,
        occurred_at=utcnow(),
        producer=producer,
        correlation_id=correlation_id or str(uuid.uuid4()),
        payload=loaded,
    )


def load_envelope(body) -> Envelope:
    """Validate a received message body: the envelope, then the payload against its
    contract. Raises ValidationError with the bad fields."""
    if not isinstance(body, dict):
        raise ValidationError({"_schema": ["event body must be a JSON object"]})
    data = _envelope_schema.load(body)
    try:
        schema_cls = contract_for(data["type"], data["version"])
    except KeyError as exc:
        raise ValidationError({"type": [str(exc.args[0])]}) from None
    try:
        payload = schema_cls().load(data["payload"])
    except ValidationError as exc:
        raise ValidationError({"payload": exc.messages}) from None
    return Envelope(
        event_id=str(data["event_id"]),
        type=data["type"],
        version=data["version"],
        occurred_at=data["occurred_at"],
        producer=data["producer"],
        correlation_id=data["correlation_id"],
        payload=payload,
    )
