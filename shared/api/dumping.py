"""A response schema's dump compiled once, for pages of many objects: marshmallow's per-field
machinery (Field.serialize, the attribute accessor, a Schema.dump per nested object) cost more
than the values' own formatting, a third of a programme list's CPU in the programmes service
(docs/benchmarks.md, fourth round).

The schema stays the one definition: each field's own `_serialize` formats its value, nested
schemas and lists of them are compiled the same way, and a schema with anything this does not
know (a field with a dump default, a Method, Function or Pluck field, a dotted attribute, dump
hooks, many=True) is dumped by marshmallow as before. `compiled(schema)(obj) == schema.dump(obj)`
(tests/unit/test_dumping.py)."""
from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields, missing

Dump = Callable[[Any], Any]


def _value(obj: Any, key: str) -> Any:
    """What marshmallow's accessor reads (utils._get_value_for_key): the item, else the attribute."""
    if not hasattr(obj, "__getitem__"):
        return getattr(obj, key, missing)
    try:
        return obj[key]
    except (KeyError, IndexError, TypeError, AttributeError):
        return getattr(obj, key, missing)


def _plain(field: fields.Field) -> bool:
    """Formatted from its value alone (List: its items'), read by name, with no dump default."""
    if isinstance(field, fields.List):
        return _plain(field.inner)
    # Method, Function and Constant do not read the value (_CHECK_ATTRIBUTE); Pluck picks from it
    return field._CHECK_ATTRIBUTE and not isinstance(field, fields.Pluck) and field.dump_default is missing \
        and "." not in (field.attribute or "")


def _formatter(field: fields.Field) -> Dump:
    """A value formatted as field.serialize formats it."""
    if isinstance(field, fields.Nested) and not (field.schema.many or field.many):
        dump = compiled(field.schema)
        return lambda value: None if value is None else dump(value)
    if isinstance(field, fields.List):
        inner = _formatter(field.inner)
        return lambda value: None if value is None else [inner(each) for each in value]
    fmt = field._serialize
    if type(field)._serialize is fields.String._serialize:   # str(value): a str is itself
        return lambda value: value if value.__class__ is str else fmt(value, None, None)
    return lambda value: fmt(value, None, None)


def compiled(schema: Schema) -> Dump:
    """`schema.dump` of one object, as a function built once."""
    if schema.many or schema._hooks["pre_dump"] or schema._hooks["post_dump"] \
            or not all(_plain(f) for f in schema.dump_fields.values()):
        return schema.dump
    steps = [(field.data_key if field.data_key is not None else name, field.attribute or name, _formatter(field))
             for name, field in schema.dump_fields.items()]

    def dump(obj: Any) -> dict[str, Any]:
        out = {}
        for key, attr, fmt in steps:
            value = _value(obj, attr)
            if value is not missing:
                out[key] = fmt(value)
        return out
    return dump
