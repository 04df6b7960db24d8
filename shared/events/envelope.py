"""The envelope every integration event travels in."""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from shared.events.contracts import contract_for
from shared.events.contracts.registry import Contract
from shared.events.fields import DecimalString, UTCDateTime, utcnow
from shared.events.reading import read_payload, reader
from shared.events.schemas import StrictSchema


class EnvelopeSchema(StrictSchema):
    event_id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Length(min=1))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = UTCDateTime(required=True)
    producer = fields.String(required=True, validate=validate.Length(min=1))
    correlation_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    payload = fields.Dict(required=True)




@dataclass(frozen=True)
class Envelope:
    event_id: str
    type: str
    version: int
    occurred_at: datetime
    producer: str
    correlation_id: str
    payload: dict[str, Any] = field(default_factory=dict)  # loaded: Decimals, datetimes...

    def to_message(self) -> dict[str, Any]:
        """The JSON body as it travels: the payload dumped by its contract."""
        schema = _instance(contract_for(self.type, self.version))
        return {
            "event_id": self.event_id,
            "type": self.type,
            "version": self.version,
            "occurred_at": UTCDateTime()._serialize(self.occurred_at, None, None),
            "producer": self.producer,
            "correlation_id": self.correlation_id,
            "payload": schema.dump(self.payload),
        }


# The Python types a producer may hand over for each kind of field. Dumping does not
# validate and coerces silently (int(5.7) == 5, str(12.5) == "12.5", a string
# datetime raises AttributeError), so types are checked before the wire round trip.
_PYTHON_TYPES: tuple[tuple[type[fields.Field], tuple[type, ...], str], ...] = (
    (fields.Date, (date,), "a date"),
    (fields.DateTime, (datetime,), "a datetime"),
    (DecimalString, (Decimal, int, str), "a Decimal, an int or a decimal string (never a float)"),
    (fields.Integer, (int,), "an integer"),
    (fields.Boolean, (bool,), "a boolean"),
    (fields.UUID, (uuid.UUID, str), "a UUID"),
    (fields.String, (str,), "a string"),
    (fields.Dict, (dict,), "an object"),
)


# marshmallow's error messages: a list of reasons, or nested errors by field name or list index.
Messages = list[str] | dict[Any, Any]


def _type_errors(schema: Schema, data: dict[str, Any]) -> dict[str, Messages]:
    """marshmallow-style errors for unknown fields and wrongly typed values in `data`."""
    errors: dict[str, Messages] = {}
    for name, value in data.items():
        schema_field = schema.fields.get(name)
        if schema_field is None:
            errors[name] = ["Unknown field."]
        elif (error := _type_error(schema_field, value)) is not None:
            errors[name] = error
    return errors


def _type_error(schema_field: fields.Field, value: Any) -> Messages | None:
    if value is None:
        return None  # required / allow_none are checked when loading
    if isinstance(schema_field, fields.Nested) and not schema_field.many:
        if not isinstance(value, dict):
            return [f"must be an object, not {type(value).__name__}"]
        return _type_errors(schema_field.schema, value) or None
    if isinstance(schema_field, fields.List):
        if not isinstance(value, (list, tuple)):
            return [f"must be a list, not {type(value).__name__}"]
        errors = {i: e for i, item in enumerate(value)
                  if (e := _type_error(schema_field.inner, item)) is not None}
        return errors or None
    for field_type, python_types, what in _PYTHON_TYPES:
        if isinstance(schema_field, field_type):
            if (isinstance(value, bool) and bool not in python_types) or not isinstance(value, python_types):
                return [f"must be {what}, not {type(value).__name__}"]
            return None
    return None


_instances: dict[Contract, Schema] = {}


def _instance(schema_cls: Contract) -> Schema:
    """One instance per contract: building a schema costs more than checking a payload with it,
    and a marshmallow schema keeps no state between loads and dumps."""
    schema = _instances.get(schema_cls)
    if schema is None:
        schema = _instances[schema_cls] = schema_cls()
    return schema


def make_envelope(event_type: str, payload: dict[str, Any], *, producer: str, correlation_id: str | None = None,
                  version: int | None = None) -> Envelope:
    """Check `payload` against its contract and wrap it; raises ValidationError
    naming each bad field, so a bad event is never written to the outbox."""
    schema_cls = contract_for(event_type, version)
    schema = _instance(schema_cls)
    errors = _type_errors(schema, payload)
    if errors:
        raise ValidationError(errors)
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


def load_envelope(body: object) -> Envelope:
    """Validate a received message body: the envelope, then the payload against its
    contract, ignoring fields this release does not know (a newer producer's additions); a
    superseded version is upcast, so the envelope returned always has the latest version.
    Raises ValidationError with the bad fields."""
    if not isinstance(body, dict):
        raise ValidationError({"_schema": ["event body must be a JSON object"]})
    data = reader(EnvelopeSchema).load(body)
    try:
        version, payload = read_payload(data["type"], data["version"], data["payload"])
    except KeyError as exc:
        raise ValidationError({"type": [str(exc.args[0])]}) from None
    except ValidationError as exc:
        raise ValidationError({"payload": exc.messages}) from None
    return Envelope(
        event_id=str(data["event_id"]),
        type=data["type"],
        version=version,
        occurred_at=data["occurred_at"],
        producer=data["producer"],
        correlation_id=data["correlation_id"],
        payload=payload,
    )
