"""The registry of payload contracts of every integration event, by (type, version).

A contract is a marshmallow schema with `event_type`, `version` and `producer`
class attributes. Producers check payloads against it before writing them to
their outbox; consumers check again on receipt. docs/events.md is generated
from this registry (`python -m shared.events.docs`)."""
CONTRACTS: dict[tuple[str, int], type] = {}


def contract(cls):
    key = (cls.event_type, cls.version)
    if key in CONTRACTS:
        raise RuntimeError(f"contract {key} declared twice")
    CONTRACTS[key] = cls
    return cls


def contract_for(event_type: str, version: int | None = None):
    """The schema class of `event_type` at `version` (latest when None)."""
    if version is None:
        versions = [v for (t, v) in CONTRACTS if t == event_type]
        if not versions:
            raise KeyError(f"unknown event type {event_type!r}")
        version = max(versions)
    try:
        return CONTRACTS[(event_type, version)]
    except KeyError:
        raise KeyError(f"unknown event type {event_type!r} version {version}") from None


def producer_of(event_type: str) -> str:
    return contract_for(event_type).producer
