"""The registry of payload contracts of every integration event, by (type, version).

A contract is a marshmallow schema with `event_type`, `version` and `producer`
class attributes. Producers check payloads against it before writing them to
their outbox; consumers check again on receipt. docs/events.md is generated
from this registry (`python -m shared.events.docs`)."""
from __future__ import annotations

from typing import Protocol, TypeVar, cast

from marshmallow import Schema


class Contract(Protocol):
    """A contract class as the registry hands it out: calling it makes the schema."""

    event_type: str
    version: int
    producer: str
    __qualname__: str

    def __call__(self) -> Schema: ...


SchemaClass = TypeVar("SchemaClass", bound=type[Schema])

CONTRACTS: dict[tuple[str, int], Contract] = {}


def contract(cls: SchemaClass) -> SchemaClass:
    """Class decorator: register `cls` under its (event_type, version)."""
    declared = cast(Contract, cls)
    key = (declared.event_type, declared.version)
    if key in CONTRACTS:
        raise RuntimeError(f"contract {key} declared twice")
    CONTRACTS[key] = declared
    return cls


def contract_for(event_type: str, version: int | None = None) -> Contract:
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
