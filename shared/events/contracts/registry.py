"""The registry of payload contracts of every integration event, by (type, version).

A contract is a marshmallow schema with `event_type`, `version` and `producer`
class attributes. Producers check payloads against it before writing them to
their outbox; consumers check again on receipt. docs/events.md is generated
from this registry (`python -m shared.events.docs`)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar, cast, overload

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


@overload
def contract(target: SchemaClass, /) -> SchemaClass: ...


@overload
def contract(target: str, version: int, /, *, producer: str) -> Callable[[SchemaClass], SchemaClass]: ...


def contract(target: SchemaClass | str, version: int | None = None, /, *,
             producer: str | None = None) -> SchemaClass | Callable[[SchemaClass], SchemaClass]:
    """Class decorator: register a contract under its (event_type, version).

    `@contract` reads the class attributes `event_type, version, producer`;
    `@contract("programme.created", 2, producer="programmes")` sets them (for a schema that also
    has a payload field named `version`, say)."""
    if isinstance(target, str):
        identity = {"event_type": target, "version": version, "producer": producer}

        def declare(cls: SchemaClass) -> SchemaClass:
            _check_new(target, version)
            for name, value in identity.items():
                setattr(cls, name, value)
            return _register(cls)
        return declare
    return _register(target)


def _check_new(event_type: str, version: int | None) -> None:
    if (event_type, version) in CONTRACTS:
        raise RuntimeError(f"contract {(event_type, version)} declared twice")


def _register(cls: SchemaClass) -> SchemaClass:
    declared = cast(Contract, cls)
    _check_new(declared.event_type, declared.version)
    CONTRACTS[(declared.event_type, declared.version)] = declared
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
