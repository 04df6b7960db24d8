"""The unit of work on a real SQLite database (shared.db): the events a tracked aggregate records
are written to the outbox in the transaction that stores it, in recording order, and a transaction
that rolls back leaves neither the state change nor any of its events behind."""
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError

from shared.aggregate import EventsMixin
from shared.db import backbone_tables, create_engine, session_factory
from shared.uow import UnitOfWork, process_lock

metadata = sa.MetaData()
outbox, inbox = backbone_tables(metadata)
plans = sa.Table("uow_plans", metadata,
                 sa.Column("id", sa.String(50), primary_key=True),
                 sa.Column("revision", sa.Integer, nullable=False))

AT = datetime(2021, 1, 31, 12, 0, tzinfo=timezone.utc)


@dataclass
class Plan(EventsMixin):
    """A tiny aggregate recording a real contract's event (objective.progress_changed)."""
    id: str
    revision: int = 0

    def advance(self) -> None:
        self.revision += 1
        self.record("objective.progress_changed", {
            "plan_id": self.id, "revision": self.revision, "computed_at": AT,
            "progress": {"status": "on_track"}})


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/uow.sqlite3")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def commits():
    return []


@pytest.fixture
def make_uow(engine, commits):
    sessions, lock = session_factory(engine), process_lock(engine)
    return lambda: UnitOfWork(sessions, outbox, inbox, producer="metrics", correlation_id="req-1",
                              after_commit=lambda: commits.append(1), lock=lock)


def store(uow, plan):
    """What a repository does: write the aggregate's state and track it."""
    uow.session.execute(plans.insert().values(id=plan.id, revision=plan.revision))
    return uow.track(plan)


def outbox_rows(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(outbox).order_by(outbox.c.id)).all()


def plan_ids(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(plans.c.id).order_by(plans.c.id)).scalars().all()


def committed_counts(engine):
    """(plans, outbox rows) another process sees now: a plain reader, which the open write
    transaction's lock does not block (WAL)."""
    reader = sqlite3.connect(engine.url.database)
    try:
        return tuple(reader.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("uow_plans", "outbox"))
    finally:
        reader.close()


def test_commit_writes_the_recorded_events_with_the_state_in_recording_order(engine, make_uow, commits):
    with make_uow() as uow:
        first, second = store(uow, Plan("plan-a")), store(uow, Plan("plan-b"))
        first.advance()
        second.advance()
        uow.collect_events()
        assert len(uow.emitted) == 2 and committed_counts(engine) == (0, 0)  # written, not yet committed
        first.advance()  # recorded after that: written by the commit itself
        uow.commit()
    assert committed_counts(engine) == (2, 3)
    rows = outbox_rows(engine)
    bodies = [json.loads(row.body) for row in rows]
    assert [(b["payload"]["plan_id"], b["payload"]["revision"]) for b in bodies] == [
        ("plan-a", 1), ("plan-b", 1), ("plan-a", 2)]
    assert {row.event_type for row in rows} == {"objective.progress_changed"}
    assert {(row.producer, row.correlation_id) for row in rows} == {("metrics", "req-1")}
    assert all(row.published_at is None for row in rows)  # left for the relay
    assert [b["event_id"] for b in bodies] == [row.event_id for row in rows]
    assert plan_ids(engine) == ["plan-a", "plan-b"]
    assert first.events == [] and second.events == []  # taken by the unit of work
    assert commits == [1]  # the relay is woken once, after the commit


def test_a_transaction_that_is_not_committed_writes_nothing(engine, make_uow, commits):
    with make_uow() as uow:
        store(uow, Plan("plan-a")).advance()
        uow.collect_events()  # the outbox row is written in the transaction...
        assert len(uow.emitted) == 1
    # ...and leaves with it: the unit of work rolls back on exit without a commit.
    assert outbox_rows(engine) == [] and plan_ids(engine) == [] and commits == []


def test_a_commit_that_fails_writes_neither_the_state_nor_any_event(engine, make_uow, commits):
    with pytest.raises(ValidationError):
        with make_uow() as uow:
            plan = store(uow, Plan("plan-a"))
            plan.advance()  # a valid event, written to the outbox first...
            plan.record("objective.progress_changed", {"plan_id": "plan-a"})  # ...then one breaking its contract
            uow.commit()
    assert outbox_rows(engine) == [] and plan_ids(engine) == [] and commits == []


def test_an_aggregate_tracked_twice_has_its_events_written_once(engine, make_uow):
    with make_uow() as uow:
        plan = store(uow, Plan("plan-a"))
        assert uow.track(plan) is plan and uow.track(None) is None
        plan.advance()
        uow.commit()
    assert len(outbox_rows(engine)) == 1
