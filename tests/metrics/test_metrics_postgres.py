"""The projection's SQL on PostgreSQL (upserts, row locks, rebuild from facts), and the
equivalence property on it with fewer examples (the full run is on SQLite)."""
import os

import pytest
from hypothesis import HealthCheck, given, settings

from metrics import handlers, plans, recompute
from tests.metrics import builders as b
from tests.metrics.builders import MetricsDb, wire
from tests.metrics.test_metrics_equivalence import histories, world  # noqa: F401  (world: a fixture)

PLAN_ID = "strategic-plan-2018-2021"


@pytest.fixture(scope="module")
def pg(postgres_database_factory):
    return MetricsDb(url=postgres_database_factory())


def test_projection_reconcile_and_rebuild_on_postgres(pg, monkeypatch):
    monkeypatch.delenv("PLAN_FILES", raising=False)
    pg.empty()
    history = [b.programme("p-1"), b.programme("p-2", parent_id="p-1"),
               b.result("r-1", 100, programme_id="p-2", parent_id="p-1"), b.result("r-1", 70, version=2),
               b.result("r-2", 5, indicator="women_empowered", city="c-kisumu"),
               b.fund(), b.received("k-1", "1000.00"), b.committed("g-1", "300.00"), b.closed("g-1", "50.00"),
               b.application("a-1", "application.screened", status="under_review")]
    envelopes = [wire(t, p) for t, p in history]
    for envelope in reversed(envelopes + envelopes[:3]):
        handlers.apply_event(pg.uow(), envelope)
    progress = handlers.get_progress(pg.uow(), PLAN_ID)
    assert progress["figures"]["people_reached"]["value"] == 70
    assert progress["figures"]["cities_reached"]["value"] == 2
    assert progress["funds"][0]["committed"] == "250.00"
    assert handlers.reconcile(pg.uow(), history)["drift"] is False
    assert handlers.publish_progress(pg.uow(), PLAN_ID) == 1
    assert handlers.publish_progress(pg.uow(), PLAN_ID) is None
    handlers.rebuild(pg.uow(), history)
    assert handlers.get_progress(pg.uow(), PLAN_ID)["figures"] == progress["figures"]


@pytest.mark.usefixtures("world")
@settings(max_examples=int(os.environ.get("METRICS_EQUIVALENCE_EXAMPLES_PG", 25)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(history=histories())
def test_incremental_equals_recomputation_on_postgres(pg, history):
    commit_order, deliveries = history
    pg.empty()
    for envelope in deliveries:
        handlers.apply_event(pg.uow(), envelope)
    state = recompute.fold((e.type, e.payload) for e in commit_order)
    for plan in plans.current().values():
        with pg.uow() as uow:
            actual = uow.projection.snapshot(plan, cells=True, dims=True)
        assert actual.canonical() == recompute.snapshot(plan, state).canonical()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_reach_split_counts_the_same_incrementally_and_rebuilt(backend, pg, tmp_path, monkeypatch):
    """A result's reach split, and a revision that changes it, through the stored facts and the
    SQL rebuild (from events and from the stored facts) on both databases."""
    monkeypatch.delenv("PLAN_FILES", raising=False)
    db = pg if backend == "postgres" else MetricsDb(tmp_path)
    db.empty()
    history = [b.programme("p-1"), b.result("r-1", 100, reach_split={"direct": 60, "indirect": 40}),
               b.result("r-1", 100, version=2, reach_split={"direct": 30, "indirect": 70}),
               b.result("r-2", 10, reach="indirect"), b.result("r-3", 20, reach="indirect", reach_split={"direct": 5})]
    for event_type, payload in history:
        handlers.apply_event(db.uow(), wire(event_type, payload))

    def people():
        return handlers.get_progress(db.uow(), PLAN_ID)["figures"]["people_reached"]

    assert people() == {"value": 130, "direct": 35, "indirect": 95}
    assert handlers.reconcile(db.uow(), history)["drift"] is False
    handlers.rebuild(db.uow())            # the aggregates from the stored facts (SQL)
    assert people() == {"value": 130, "direct": 35, "indirect": 95}
    handlers.rebuild(db.uow(), history)   # facts and aggregates from the events
    assert people() == {"value": 130, "direct": 35, "indirect": 95}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_cumulative_indicator_counts_its_latest_value_incrementally_and_rebuilt(backend, pg, tmp_path,
                                                                                  monkeypatch):
    """A cumulative series (one programme, one city) reports its total so far each period: the
    objective counts the latest by each day, never the periods added, through the deltas, the
    SQL rebuild from the stored facts and the rebuild from the events, on both databases."""
    from datetime import date
    monkeypatch.delenv("PLAN_FILES", raising=False)
    db = pg if backend == "postgres" else MetricsDb(tmp_path)
    db.empty()
    cumulative = {"reporting": "cumulative", "rollup": "sum"}
    history = [b.programme("p-1"),
               b.result("r-2", 150, period_end=date(2019, 12, 31), **cumulative),
               b.result("r-1", 100, period_end=date(2018, 12, 31), **cumulative),     # arrives after r-2
               b.result("r-3", 40, period_end=date(2019, 12, 31), city="c-kisumu", **cumulative),
               b.result("r-4", 25, period_end=date(2019, 12, 31), indicator="women_empowered"),
               b.result("r-2", 180, version=2, period_end=date(2019, 12, 31), **cumulative)]
    for event_type, payload in history:
        handlers.apply_event(db.uow(), wire(event_type, payload))

    def people(as_of=None):
        return handlers.get_progress(db.uow(), PLAN_ID, as_of)["figures"]["people_reached"]["value"]

    assert (people("2018-12-31"), people()) == (100, 220)   # 180 + 40, not 100 + 180 + 40
    assert handlers.reconcile(db.uow(), history)["drift"] is False
    handlers.rebuild(db.uow())
    assert (people("2018-12-31"), people()) == (100, 220)
    handlers.rebuild(db.uow(), history)
    assert (people("2018-12-31"), people()) == (100, 220)
