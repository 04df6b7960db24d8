"""The receiving side of the contracts: tolerant reading and upcasting.

Producers validate strictly (`make_envelope`); consumers ignore fields they do not know, in the
envelope and at every depth of the payload, so a producer may add an optional field and be
deployed before its consumers. A superseded version still in flight is turned into the current
one by its upcasters (`shared.events.upcasting`), so handlers only ever see the latest version."""
from typing import Any

from marshmallow import EXCLUDE, Schema, fields

from shared.events.contracts import contract_for
from shared.events.contracts.registry import Contract
from shared.events.upcasting import UPCASTERS

_readers: dict[type[Schema] | Contract, Schema] = {}


def reader(schema_cls: type[Schema] | Contract) -> Schema:
    """An instance of `schema_cls` that drops unknown fields at every depth. Built once per
    contract; marshmallow copies fields per instance, so the producer's strict instances keep
    refusing unknown fields."""
    schema = _readers.get(schema_cls)
    if schema is None:
        schema = schema_cls()
        _tolerate(schema, set())
        _readers[schema_cls] = schema
    return schema


def _tolerate(schema: Schema, seen: set[int]) -> None:
    if id(schema) in seen:
        return
    seen.add(id(schema))
    schema.unknown = EXCLUDE
    for field in schema.fields.values():
        _tolerate_field(field, seen)


def _tolerate_field(field: fields.Field, seen: set[int]) -> None:
    if isinstance(field, fields.Nested):
        field.unknown = EXCLUDE
        if isinstance(field.schema, Schema):
            _tolerate(field.schema, seen)
    elif isinstance(field, fields.List):
        _tolerate_field(field.inner, seen)
    elif isinstance(field, fields.Tuple):
        for inner in field.tuple_fields:
            _tolerate_field(inner, seen)
    elif isinstance(field, fields.Dict) and field.value_field is not None:
        _tolerate_field(field.value_field, seen)


def read_payload(event_type: str, version: int, payload: Any) -> tuple[int, dict[str, Any]]:
    """Load `payload` of (`event_type`, `version`) and upcast it to the latest version:
    (latest version, loaded payload). Raises KeyError for an unknown (type, version) and
    ValidationError for a payload its contract refuses."""
    loaded: dict[str, Any] = reader(contract_for(event_type, version)).load(payload)
    while (upcast := UPCASTERS.get((event_type, version))) is not None:
        # Upcasters work on the wire form: the known fields of the old version, as JSON.
        wire = _dumped(contract_for(event_type, version), loaded)
        version += 1
        loaded = reader(contract_for(event_type, version)).load(upcast(wire))
    return version, loaded


def _dumped(schema_cls: Contract, loaded: dict[str, Any]) -> dict[str, Any]:
    dumped: dict[str, Any] = reader(schema_cls).dump(loaded)
    return dumped
