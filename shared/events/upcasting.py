"""Upcasters: one function per (event type, old version) that turns a payload of that version
into one of the next version, so consumers keep loading every version still in flight while
their handlers only see the latest one.

    @upcaster("programme.created", from_version=1)
    def _programme_created_v1(payload):   # the v1 payload as JSON -> the v2 payload as JSON
        ...

`load_envelope` applies them in a chain (v1 -> v2 -> v3) and checks the result against the latest
contract. Register an upcaster next to the contracts of both versions."""
from collections.abc import Callable
from typing import Any

from shared.events.contracts.registry import CONTRACTS

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]

UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcaster(event_type: str, *, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register `fn` as the upcaster of `event_type` from `from_version` to `from_version + 1`;
    both contracts must be registered already, and an upcaster is declared once."""
    def register(fn: Upcaster) -> Upcaster:
        for version in (from_version, from_version + 1):
            if (event_type, version) not in CONTRACTS:
                raise RuntimeError(f"upcaster of {event_type} v{from_version}: no contract v{version}")
        if (event_type, from_version) in UPCASTERS:
            raise RuntimeError(f"upcaster of {event_type} v{from_version} declared twice")
        UPCASTERS[(event_type, from_version)] = fn
        return fn
    return register
