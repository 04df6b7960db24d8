"""Metrics' projection in batches (handlers.apply_events through shared.runtime.batching, as the
service's Projector runs it), on SQLite and PostgreSQL: the events delivered together are one
transaction, each keeps its own inbox claim, and a batch that fails is re-done one event at a
time, so a bad event fails alone and nothing of the failed batch stays half-applied."""
import eventlet
import pytest
import sqlalchemy as sa

from metrics import handlers, models, registry
from shared.runtime.batching import Batcher
from tests.metrics import builders as b
from tests.metrics.builders import MetricsDb, wire

PLAN_ID = "strategic-plan-2018-2021"


@pytest.fixture(scope="module")
def pg(postgres_database_factory):
    return MetricsDb(url=postgres_database_factory())


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path, monkeypatch):
    monkeypatch.delenv("PLAN_FILES", raising=False)   # the shipped plan
    db = request.getfixturevalue("pg") if request.param == "postgres" else MetricsDb(tmp_path)
    db.empty()
    return db


def projector(db, batches):
    """The Projector's batcher over `db`, recording each batch's result ids."""
    def write(envelopes):
        batches.append([e.payload["result_id"] for e in envelopes])
        return handlers.apply_events(db.uow(), envelopes)
    return Batcher(write)


def deliver(batcher, envelopes):
    """Each envelope submitted by a greenthread of its own, as the consumer's workers do."""
    def one(envelope):
        try:
            return batcher.submit(envelope)
        except Exception as exc:
            return exc
    threads = [eventlet.spawn(one, e) for e in envelopes]
    return [t.wait() for t in threads]


def people(db):
    return handlers.get_progress(db.uow(), PLAN_ID)["figures"]["people_reached"]["value"]


def inbox_count(db):
    with db.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(models.inbox)).scalar_one()


def test_a_batch_is_one_transaction_and_a_duplicate_in_it_is_skipped_alone(db):
    seen = wire(*b.result("r-0", 1))
    assert handlers.apply_event(db.uow(), seen) is True            # in the inbox before the batch
    events = [wire(*b.result(f"r-{n}", 10 * n)) for n in range(1, 5)]
    batches: list[list[str]] = []
    answers = deliver(projector(db, batches), [*events, events[1], seen])   # a redelivery of each kind
    assert batches == [["r-1", "r-2", "r-3", "r-4", "r-2", "r-0"]]
    assert answers == [True, True, True, True, False, False]
    assert people(db) == 1 + 10 + 20 + 30 + 40                       # each counted once
    assert inbox_count(db) == 5


def test_a_bad_event_fails_alone_and_nothing_of_the_failed_batch_is_half_applied(db, monkeypatch):
    real = registry.project
    state = {"poisoned": True}

    def project(projection, event_type, payload):
        if payload["result_id"] == "r-3" and state["poisoned"]:
            raise RuntimeError("cannot project r-3")
        return real(projection, event_type, payload)
    monkeypatch.setattr(registry, "project", project)
    events = [wire(*b.result(f"r-{n}", 10 * n)) for n in range(1, 6)]
    batches: list[list[str]] = []
    batcher = projector(db, batches)
    answers = deliver(batcher, events)
    # r-1 and r-2 were projected in the batch's transaction before r-3 failed: rolled back with it,
    # then each event alone; only r-3 fails.
    assert batches == [["r-1", "r-2", "r-3", "r-4", "r-5"], ["r-1"], ["r-2"], ["r-3"], ["r-4"], ["r-5"]]
    assert [a for n, a in enumerate(answers) if n != 2] == [True, True, True, True]
    assert isinstance(answers[2], RuntimeError) and "r-3" in str(answers[2])
    assert people(db) == 10 + 20 + 40 + 50 and inbox_count(db) == 4   # r-3 unclaimed: its retry applies it
    state["poisoned"] = False
    assert deliver(batcher, [events[2], events[0]]) == [True, False]   # the retry, and a late redelivery
    assert people(db) == 150 and inbox_count(db) == 5
    assert batcher.queued == [] and not batcher.writing


def test_a_batch_that_cannot_commit_leaves_nothing_and_redelivery_applies_each_once(db, monkeypatch):
    """The transaction fails at its commit (as when the process dies there: nothing was
    acknowledged); every event of it comes again and is applied once."""
    from shared import failpoints
    events = [wire(*b.result(f"r-{n}", n)) for n in range(1, 4)]
    monkeypatch.setattr(failpoints, "hit", _raise_at("metrics.apply_events.before_commit"))
    answers = deliver(projector(db, []), events)
    assert all(isinstance(a, RuntimeError) for a in answers)
    assert inbox_count(db) == 0 and people(db) == 0                    # nothing half-applied
    monkeypatch.undo()
    monkeypatch.delenv("PLAN_FILES", raising=False)
    batches: list[list[str]] = []
    assert deliver(projector(db, batches), [*events, *events]) == [True] * 3 + [False] * 3
    assert batches == [["r-1", "r-2", "r-3"] * 2]
    assert people(db) == 6 and inbox_count(db) == 3


def _raise_at(name):
    def hit(point):
        if point == name:
            raise RuntimeError(f"failpoint {point}")
    return hit
