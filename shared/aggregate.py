"""Aggregates collect the events they cause; the unit of work writes them to the outbox in the
transaction that stores the aggregate (cosmicpython's `collect_new_events`)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

_sequence = itertools.count()


@dataclass(frozen=True)
class Event:
    """An integration event not yet written: its contract type and payload."""
    type: str
    payload: dict[str, Any]
    # Recording order across every aggregate of a transaction, kept in the outbox.
    sequence: int = field(default_factory=lambda: next(_sequence))


@dataclass
class EventsMixin:
    """Mixed into an aggregate dataclass: `record` an event, the unit of work `take`s them."""
    events: list[Event] = field(default_factory=list, init=False, repr=False, compare=False)

    def record(self, event_type: str, payload: dict[str, Any]) -> None:
        self.events.append(Event(event_type, payload))

    def take_events(self) -> list[Event]:
        taken, self.events = self.events, []
        return taken
