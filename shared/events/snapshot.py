"""What consumers depend on in each contract, as plain JSON (contracts/snapshot/events.json), and
the changes that break a consumer of an earlier snapshot.

A field is described by its wire type, `required`, `allow_none`, its allowed values (`enum`) and
the shape of what it nests (`fields` of an object, `items` of an array). Validators beyond the
allowed values (lengths, ranges) are not compared. `scripts/contracts.py` (`make contracts`)
writes the snapshot; tests/unit/test_contract_compatibility.py compares."""
from typing import Any

from marshmallow import Schema, fields, validate

from shared.events.contracts import CONTRACTS
from shared.events.envelope import EnvelopeSchema
from shared.events.fields import Currency, DecimalString

Description = dict[str, Any]

# Most specific first: UTCDateTime is a DateTime, Currency a String.
_WIRE_TYPES: tuple[tuple[type[fields.Field], str], ...] = (
    (fields.DateTime, "datetime"), (fields.Date, "date"), (DecimalString, "decimal"), (Currency, "currency"),
    (fields.UUID, "uuid"), (fields.Integer, "integer"), (fields.Number, "number"), (fields.Boolean, "boolean"),
    (fields.String, "string"), (fields.Dict, "object"), (fields.List, "array"), (fields.Nested, "object"),
)


def describe_field(field: fields.Field) -> Description:
    wire_type = next((name for cls, name in _WIRE_TYPES if isinstance(field, cls)), "any")
    out: Description = {"type": wire_type, "required": field.required, "allow_none": field.allow_none}
    choices = [v for v in field.validators if isinstance(v, validate.OneOf)]
    if choices:
        out["enum"] = sorted({str(c) for v in choices for c in v.choices})
    if isinstance(field, fields.List):
        out["items"] = describe_field(field.inner)
    elif isinstance(field, fields.Nested):
        described = describe_schema(field.schema)
        out.update({"type": "array", "items": {"type": "object", "fields": described}} if field.many
                   else {"fields": described})
    return out


def describe_schema(schema: Schema) -> dict[str, Description]:
    return {field.data_key or name: describe_field(field) for name, field in schema.fields.items()}


def describe_events() -> Description:
    """The envelope and every contract, by type then version (as a string, for JSON)."""
    contracts: Description = {}
    for (event_type, version) in sorted(CONTRACTS):
        cls = CONTRACTS[(event_type, version)]
        contracts.setdefault(event_type, {})[str(version)] = {"producer": cls.producer,
                                                              "fields": describe_schema(cls())}
    return {"envelope": describe_schema(EnvelopeSchema()), "contracts": contracts}


def event_breaks(old: Description, new: Description) -> list[str]:
    """Every change from `old` to `new` that breaks a consumer of `old`, one message per field.
    A new type or version, or a new optional field, breaks nothing."""
    breaks = [f"envelope: {m}" for m in _fields_breaks(old["envelope"], new["envelope"], "")]
    for event_type, versions in old["contracts"].items():
        for version, was in versions.items():
            where = f"{event_type} v{version}"
            now = new["contracts"].get(event_type, {}).get(version)
            if now is None:
                breaks.append(f"{where}: the version was removed (consumers may still receive it; "
                              "keep it and upcast it)")
                continue
            if now["producer"] != was["producer"]:
                breaks.append(f"{where}: producer changed from {was['producer']} to {now['producer']}")
            breaks += [f"{where}: {m}" for m in _fields_breaks(was["fields"], now["fields"], "")]
    return breaks


def _fields_breaks(old: dict[str, Description], new: dict[str, Description], prefix: str) -> list[str]:
    breaks: list[str] = []
    for name, was in old.items():
        if name not in new:
            breaks.append(f"field `{prefix}{name}` removed or renamed")
        else:
            breaks += _field_breaks(was, new[name], f"{prefix}{name}", item=False)
    breaks += [f"field `{prefix}{name}` added as required (events in flight lack it)"
               for name, now in new.items() if name not in old and now["required"]]
    return breaks


def _field_breaks(was: Description, now: Description, path: str, *, item: bool) -> list[str]:
    if was["type"] != now["type"]:
        return [f"field `{path}` retyped from {was['type']} to {now['type']}"]
    breaks: list[str] = []
    if not item and was["required"] != now["required"]:
        breaks.append(f"field `{path}` made {'required' if now['required'] else 'optional'}")
    if was["allow_none"] != now["allow_none"]:
        breaks.append(f"field `{path}` {'now allows' if now['allow_none'] else 'no longer allows'} null")
    breaks += _enum_breaks(was.get("enum"), now.get("enum"), path)
    if "items" in was and "items" in now:
        breaks += _field_breaks(was["items"], now["items"], f"{path}[]", item=True)
    if "fields" in was and "fields" in now:
        breaks += _fields_breaks(was["fields"], now["fields"], f"{path}.")
    return breaks


def _enum_breaks(was: list[str] | None, now: list[str] | None, path: str) -> list[str]:
    """Consumers validate allowed values: a value they do not know is refused (parked)."""
    if was == now:
        return []
    if now is None:
        return [f"field `{path}` no longer limited to {was} (consumers refuse other values)"]
    if was is None:
        return [f"field `{path}` now limited to {now} (events in flight may carry others)"]
    breaks = []
    if removed := sorted(set(was) - set(now)):
        breaks.append(f"field `{path}` allowed values narrowed: {removed} removed")
    if added := sorted(set(now) - set(was)):
        breaks.append(f"field `{path}` allowed values widened: {added} added (consumers refuse them)")
    return breaks
