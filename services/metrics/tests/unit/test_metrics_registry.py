"""The registry is the one table of what metrics consumes: the subscriptions (shared), the event
handlers, the projection and the recomputation must agree with it, for every event type."""
import dataclasses
from datetime import datetime, timezone
from decimal import Decimal
from typing import get_type_hints

import pytest

from metrics import domain, registry
from shared.events.contracts.grants import EXAMPLES as GRANTS
from shared.events.contracts.programmes import EXAMPLES as PROGRAMMES
from shared.events.contracts.registry import producer_of
from shared.messaging.subscriptions.metrics import EVENT_KINDS, EVENT_TYPES
from tests.metrics.builders import wire

# Deprecated events no producer emits any more (no example next to their contracts).
DEPRECATED = {"grant.awarded": {"grant_id": "g-1", "programme_id": "p-1", "recipient": "Jinja Municipal Council",
                                "amount": Decimal("12.50"), "currency": "USD",
                                "awarded_at": datetime(2020, 6, 30, tzinfo=timezone.utc)}}
EXAMPLES = {**GRANTS, **PROGRAMMES, **DEPRECATED}


def fact_types(kind):
    """The fact class the kind's parser returns, and the classes its projection and its
    recomputation take (from their annotations)."""
    (_, takes_project), = [(n, t) for n, t in get_type_hints(kind.project).items() if n not in ("self", "return")]
    (_, takes_fold), = [(n, t) for n, t in get_type_hints(kind.fold).items() if n not in ("self", "return")]
    return get_type_hints(kind.parse)["return"], takes_project, takes_fold


def test_every_subscribed_event_has_a_kind_and_nothing_else_is_registered():
    assert list(registry.CONSUMES) == EVENT_TYPES == list(EVENT_KINDS)
    assert set(EVENT_KINDS.values()) == set(registry.KINDS)


@pytest.mark.parametrize("name", sorted(registry.KINDS))
def test_each_kind_parses_projects_and_folds_the_same_fact(name):
    parsed, projected, folded = fact_types(registry.KINDS[name])
    assert parsed is projected is folded


def test_every_subscribed_event_has_a_handler_in_the_service():
    from metrics.service import MetricsService
    from shared.runtime.events import ReliableEventHandler
    handled = {getattr(entry, "event_type", None) for name in dir(MetricsService)
               for entry in getattr(getattr(MetricsService, name), "nameko_entrypoints", ())
               if isinstance(entry, ReliableEventHandler)}
    assert handled == set(EVENT_TYPES)


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_each_event_parses_to_the_fact_of_its_kind_and_folds(event_type):
    assert producer_of(event_type) in ("programmes", "grants")      # a contract the producers own
    envelope = wire(event_type, EXAMPLES[event_type])                # as the consumer receives it
    kind = registry.CONSUMES[event_type]
    fact = kind.parse(event_type, envelope.payload)
    assert isinstance(fact, fact_types(kind)[0])
    state = registry.fold([(event_type, envelope.payload)])
    assert any(dataclasses.asdict(state)[part] for part in ("results", "programmes", "money", "applications",
                                                            "funds"))


def test_events_not_consumed_are_skipped_by_the_recomputation():
    assert registry.fold([("objective.progress_changed", {})]) == domain.SourceState()
