"""What the metrics service does with each event it consumes: the one table.

`shared.messaging.subscriptions.metrics.EVENT_KINDS` lists the event types with the kind of
fact each carries (it lives in shared/ because producers declare the metrics queue's bindings
from it). Here each kind names, once, its parser (`metrics.domain.facts`), how the incremental
projection applies the fact (`metrics.store`) and how the full recomputation folds it
(`metrics.domain.state.SourceState`). The event handlers (`metrics.service`), the projection
(`project`) and the recomputation (`fold`) are all derived from these two tables, so they
cannot disagree; an event type of an unknown kind fails at import, and
tests/unit/test_metrics_registry.py checks every subscribed type against its contract's example.

Adding an event of a kind metrics knows (say a new money event): one line in EVENT_KINDS and
its branch in the kind's parser (`metrics.domain.facts`). A new kind of fact: its line(s) in
EVENT_KINDS, the fact and its parser (`domain/facts.py`), its fold (`domain/state.py`), its
projection (`store/facts.py`, a table in `models.py` and a migration) and one line in KINDS."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from metrics import domain
from metrics.domain import SourceState
from metrics.store import Projection
from shared.messaging.subscriptions.metrics import EVENT_KINDS

F = TypeVar("F")
Payload = dict[str, Any]


@dataclass(frozen=True)
class Kind(Generic[F]):
    parse: Callable[[str, Payload], F]              # event type and payload -> fact
    project: Callable[[Projection, F], bool]        # apply to the incremental projection
    fold: Callable[[SourceState, F], None]          # fold into the sources' state (recomputation)


KINDS: dict[str, Kind[Any]] = {
    "result": Kind(domain.result_from_event, Projection.apply_result, SourceState.add_result),
    "programme": Kind(domain.programme_from_event, Projection.apply_programme, SourceState.add_programme),
    "money": Kind(domain.money_from_event, Projection.apply_money, SourceState.add_money),
    "application": Kind(domain.application_from_event, Projection.apply_application, SourceState.add_application),
    "fund": Kind(domain.fund_from_event, Projection.apply_fund, SourceState.add_fund),
}

CONSUMES: dict[str, Kind[Any]] = {event_type: KINDS[kind] for event_type, kind in EVENT_KINDS.items()}


def project(projection: Projection, event_type: str, payload: Payload) -> bool:
    """Apply one event to the projection; whether anything changed."""
    kind = CONSUMES[event_type]
    return kind.project(projection, kind.parse(event_type, payload))


def fold(events: Iterable[tuple[str, Payload]]) -> SourceState:
    """The sources' state from (event_type, payload) pairs in each producer's commit order: the
    last word on a result, programme, application or fund wins; a money transaction counts once.
    Events the service does not consume are skipped (an outbox holds every event produced)."""
    state = SourceState()
    for event_type, payload in events:
        kind = CONSUMES.get(event_type)
        if kind is not None:
            kind.fold(state, kind.parse(event_type, payload))
    return state
