"""Markdown reference of the integration events, generated from the code:
the envelope (EnvelopeSchema), every payload contract in CONTRACTS and the
subscriptions of shared.messaging.topology.

    python -m shared.events.docs > docs/events.md     (make docs)

tests/unit/test_events_doc.py fails when docs/events.md differs from this output."""
import inspect
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from marshmallow import Schema, fields, validate

from shared.events.contracts import CONTRACTS, Contract
from shared.events.envelope import EnvelopeSchema
from shared.events.fields import Currency, DecimalString, UTCDateTime
from shared.events.schemas import country_code
from shared.messaging import topology

ENVELOPE_FIELDS = {
    "event_id": "Unique id of this event. Consumers record it in their inbox and ignore a "
                "second delivery of the same id.",
    "type": "Event type, e.g. `programme.created`; also the routing key.",
    "version": "Version of the payload contract of `type`.",
    "occurred_at": "When the producer emitted the event.",
    "producer": "Name of the service that emitted the event; its exchange is `<producer>.events`.",
    "correlation_id": "Id of the request that caused the event, carried through every service it touches.",
    "payload": "The event's data, checked against the contract of (`type`, `version`) by the producer "
               "before it is written to the outbox and by each consumer on receipt.",
}

# Validators that are plain functions, described by what they accept.
FUNCTION_VALIDATORS: dict[Callable[..., Any], str] = {
    country_code: "ISO 3166-1 alpha-2 country code (IATI Country codelist)",
}

EXAMPLE_TIMESTAMP = "2021-01-31T12:00:00Z"

COMPATIBILITY = """## Compatibility: tolerant readers, versions, upcasters

- **Producers are strict**: a payload with an unknown or mistyped field is never written to the
  outbox (`make_envelope` raises, naming the field).
- **Consumers are tolerant**: they ignore fields they do not know, in the envelope and at every
  depth of the payload (`load_envelope`), and check every field they do know. So a producer may
  add a field and be deployed before its consumers.
- **Compatible** (same version): adding an optional field to a payload (consumers of the
  version must load events without it: they may be in flight), or an envelope field.
- **Breaking** (a new version of the contract): removing, renaming or retyping a field, making
  a field required or optional, allowing or forbidding null, adding or removing an allowed value
  (a consumer refuses a value it does not know). Deploy the consumers first, then the producer.
- **Every version still in flight stays loadable**: a superseded version keeps its contract and
  has an upcaster (`@upcaster(type, from_version=n)` in `shared.events.upcasting`) that turns
  its payload into the next version's; `load_envelope` chains them, so a handler only ever sees
  the latest version (the envelope's `version` is the latest). An event of a version the
  consumer does not know yet is a contract violation (parked).
- `make test` compares every contract with `contracts/snapshot/events.json` and fails on a
  breaking change to a version there; `make contracts` updates the snapshot (and refuses a
  breaking one).""".split("\n")


def type_of(field: fields.Field) -> str:
    """The JSON type of a field as it travels."""
    if isinstance(field, fields.List):
        return f"array of {type_of(field.inner)}"
    if isinstance(field, fields.Nested):
        name = type(field.schema).__name__.removesuffix("Schema")
        return f"object ({name})"
    if isinstance(field, UTCDateTime):
        return f"string: UTC ISO 8601 timestamp (`{EXAMPLE_TIMESTAMP}`)"
    if isinstance(field, fields.Date):
        return "string: ISO 8601 date (`2021-01-31`)"
    if isinstance(field, DecimalString):
        places = f", at most {field.places} decimal places" if field.places is not None else ""
        return f"string: decimal number (`\"1250.50\"`{places})"
    if isinstance(field, Currency):
        return "string: ISO 4217 currency code"
    if isinstance(field, fields.UUID):
        return "string: UUID"
    if isinstance(field, fields.Integer):
        return "integer"
    if isinstance(field, fields.Number):
        return "number"
    if isinstance(field, fields.Boolean):
        return "boolean"
    if isinstance(field, fields.String):
        return "string"
    if isinstance(field, fields.Dict):
        return "object"
    return type(field).__name__


def allowed_values(field: fields.Field) -> str:
    """What the field's validators accept (for a list: its items' validators too)."""
    notes = _validator_notes(field.validators)
    if isinstance(field, fields.List):
        notes += [f"each item: {note}" for note in _validator_notes(field.inner.validators)]
    return "; ".join(notes)


def _validator_notes(validators: Iterable[Callable[..., Any]]) -> list[str]:
    notes: list[str] = []
    for validator in validators:
        if isinstance(validator, validate.OneOf):
            notes.append(", ".join(f"`{choice}`" for choice in validator.choices))
        elif isinstance(validator, validate.Range):
            if validator.min is not None:
                notes.append(f"{'≥' if validator.min_inclusive else '>'} {validator.min}")
            if validator.max is not None:
                notes.append(f"{'≤' if validator.max_inclusive else '<'} {validator.max}")
        elif isinstance(validator, validate.Length):
            if validator.equal is not None:
                notes.append(f"length {validator.equal}")
            else:
                if validator.min is not None:
                    notes.append(f"length ≥ {validator.min}")
                if validator.max is not None:
                    notes.append(f"length ≤ {validator.max}")
        elif validator in FUNCTION_VALIDATORS:
            notes.append(FUNCTION_VALIDATORS[validator])
    return notes


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


Row = tuple[str, str, str, str, str]


def field_rows(schema: Schema, prefix: str = "") -> list[Row]:
    """(name, type, required, description, allowed values) for each field, nested
    objects flattened into dotted names (`cities[].name`)."""
    rows: list[Row] = []
    for name, field in schema.fields.items():
        path = f"{prefix}{field.data_key or name}"
        rows.append((f"`{path}`", type_of(field), "yes" if field.required else "no",
                     field.metadata.get("description", ""), allowed_values(field)))
        nested = field.inner if isinstance(field, fields.List) else field
        if isinstance(nested, fields.Nested):
            suffix = "[]." if isinstance(field, fields.List) else "."
            rows += field_rows(nested.schema, f"{path}{suffix}")
    return rows


def table(header: tuple[str, ...], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def subscribers_of(event_type: str) -> list[topology.Subscription]:
    return sorted((s for s in topology.SUBSCRIPTIONS if s.event_type == event_type),
                  key=lambda s: s.consumer)


def render() -> str:
    contracts = [CONTRACTS[key] for key in sorted(CONTRACTS)]
    out = [
        "# Integration events",
        "",
        "<!-- Generated by `python -m shared.events.docs` (`make docs`) from shared.events.CONTRACTS",
        "     and shared.messaging.topology.SUBSCRIPTIONS. Do not edit by hand:",
        "     tests/unit/test_events_doc.py fails when this file is stale. -->",
        "",
        "Services share facts only through these events. A producer checks each payload against its",
        "contract and writes the event to its outbox in the same transaction as its state change; the",
        "outbox relay then publishes it. Consumers check it again on receipt and record its `event_id`",
        "in their inbox, so an event delivered more than once takes effect once.",
        "",
        "## Envelope",
        "",
        "Every event travels as one JSON object (`application/json`, UTF-8):",
        "",
    ]
    envelope = EnvelopeSchema()
    out += table(("Field", "Type", "Required", "Description", "Allowed values"),
                 [(f"`{name}`", type_of(field), "yes" if field.required else "no",
                   ENVELOPE_FIELDS[name], allowed_values(field))
                  for name, field in envelope.fields.items()])
    out += [
        "",
    ]
    out += COMPATIBILITY
    out += [
        "",
        "## Exchanges and queues",
        "",
        "- Each producer publishes to its own durable **topic** exchange `<producer>.events`, with the",
        "  **routing key = the event type**, as persistent messages with publisher confirms.",
        f"- Each consumer has one durable quorum queue `{topology.queue_name('<consumer>')}`, bound to the",
        "  exchange of each producer with every event type it subscribes to. A message delivered more than "
        f"{topology.BROKER_DELIVERY_LIMIT} times is",
        f"  dead-lettered through `{topology.DEAD_LETTER_EXCHANGE}` (direct) to the queue "
        "`<consumer>.dead-letters`.",
        "- Each message carries the headers `x-producer-sequence` (its row id in the producer's outbox) and",
        "  `x-producer-previous` (the row the relay published just before it), so a consumer can keep each",
        "  producer's order (the gateway's feed does).",
        "- A handler that fails is retried after growing delays (`EVENT_RETRY_DELAYS`): the event waits in the",
        "  consumer's delay queue `<consumer>.retry.<delay>` (fed by the direct exchange `<consumer>.retry`)",
        "  and returns to `<consumer>.events` only, with the header `x-retry-attempt`; after the last attempt",
        "  it is parked in `<consumer>.dead-letters` with its reason (docs/operations.md).",
        "",
        "| Type | Version | Producer | Exchange | Subscribers |",
        "|---|---|---|---|---|",
    ]
    for cls in contracts:
        subs = ", ".join(f"`{s.consumer}`" for s in subscribers_of(cls.event_type)) or "none"
        out.append(f"| [`{cls.event_type}`](#{_anchor(cls)}) | {cls.version} | `{cls.producer}` "
                   f"| `{topology.event_exchange(cls.producer).name}` | {subs} |")
    out += _producer_notes(contracts)
    out += ["", "## Events"]
    for cls in contracts:
        exchange = topology.event_exchange(cls.producer)
        out += [
            "",
            f"### {cls.event_type} v{cls.version}",
            "",
            _cell(inspect.getdoc(cls) or ""),
            "",
            f"- Type: `{cls.event_type}`",
            f"- Version: {cls.version}",
            f"- Producer: `{cls.producer}`",
            f"- Exchange: `{exchange.name}` ({exchange.type}), routing key `{cls.event_type}`",
            f"- Contract: `{public_name(cls)}`",
            "",
            "Payload:",
            "",
        ]
        out += table(("Field", "Type", "Required", "Description", "Allowed values"), field_rows(cls()))
        out += ["", "Subscribers:", ""]
        subscribers = subscribers_of(cls.event_type)
        if subscribers:
            out += table(("Consumer", "Queue"), [(f"`{s.consumer}`", f"`{s.queue_name}`") for s in subscribers])
        else:
            out.append("None yet: the event is published but no queue receives it.")
    return "\n".join(out) + "\n"


def public_name(cls: Contract) -> str:
    """Where the contract is imported from: its producer's contracts package when that exports it
    (a package split into modules keeps one public name), else its own module."""
    package = ".".join(cls.__module__.split(".")[:4])  # shared.events.contracts.<producer module>
    if getattr(sys.modules.get(package), cls.__qualname__, None) is cls:
        return f"{package}.{cls.__qualname__}"
    return f"{cls.__module__}.{cls.__qualname__}"


def _producer_notes(contracts: list[Contract]) -> list[str]:
    """What each producer's events mean for a consumer: the docstrings of its contract modules,
    after their first paragraph (which only says whose contracts these are)."""
    out: list[str] = []
    for producer in sorted({cls.producer for cls in contracts}):
        modules = sorted({cls.__module__ for cls in contracts if cls.producer == producer})
        paragraphs = [paragraph for name in modules
                      for paragraph in (inspect.getdoc(sys.modules[name]) or "").split("\n\n")[1:]]
        if paragraphs:
            out += ["", f"## What the `{producer}` events mean", ""]
            out += ["\n\n".join(paragraphs)]
    return out


def _anchor(cls: Contract) -> str:
    """GitHub's anchor of the event's heading."""
    heading = f"{cls.event_type} v{cls.version}".lower()
    return "".join(c for c in heading if c.isalnum() or c in " -_").replace(" ", "-")


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
